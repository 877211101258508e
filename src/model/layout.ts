/**
 * Where each layer's weights and bias live inside the model's one flat parameter array (and the
 * gradient and momentum arrays, which share the layout). Offsets are multiples of 64 floats
 * (256 bytes, WebGPU's minStorageBufferOffsetAlignment) so each tensor can be bound on its own,
 * while the optimizer updates the whole array in one dispatch. Padding stays zero.
 */
export interface TensorSlot {
  offset: number;
  length: number;
}

export interface LayerSlots {
  nIn: number;
  nOut: number;
  /** W [nOut, nIn], row-major. */
  weight: TensorSlot;
  bias: TensorSlot;
}

export interface ParamLayout {
  layers: LayerSlots[];
  /** Length of the flat arrays, padding included. */
  total: number;
}

const ALIGN = 64;
const aligned = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

export function paramLayout(inputSize: number, units: number[]): ParamLayout {
  let offset = 0;
  let nIn = inputSize;
  const layers: LayerSlots[] = units.map((nOut) => {
    const weight = { offset, length: nOut * nIn };
    offset = aligned(offset + weight.length);
    const bias = { offset, length: nOut };
    offset = aligned(offset + bias.length);
    const slots = { nIn, nOut, weight, bias };
    nIn = nOut;
    return slots;
  });
  return { layers, total: Math.max(offset, ALIGN) };
}

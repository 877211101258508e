/**
 * Where each layer's parameters live inside the model's one flat parameter array (and the gradient
 * and optimizer-state arrays, which share the layout). The tensors and their shapes are what each
 * layer module declares (src/layers: dense declares `weight` [units, inputs] and `bias` [units]);
 * checkpoints, getWeights/setWeights and the planner's views follow from this layout. Offsets are
 * multiples of 64 floats (256 bytes, WebGPU's minStorageBufferOffsetAlignment) so each tensor can be
 * bound on its own, while the optimizer updates the whole array in one dispatch. Padding stays zero.
 */
import { layerModule } from '../layers/index.js';
import type { ParameterDecl } from '../layers/types.js';

export interface TensorSlot {
  offset: number;
  length: number;
}

/** One declared parameter tensor of a layer, placed in the flat layout. */
export interface ParamTensor extends TensorSlot, ParameterDecl {}

export interface LayerSlots {
  nIn: number;
  nOut: number;
  /** Every parameter tensor the layer declares, in its order. */
  tensors: ParamTensor[];
  /** The dense layer's two tensors by name: W [nOut, nIn] row-major, and b. */
  weight: TensorSlot;
  bias: TensorSlot;
}

export interface ParamLayout {
  layers: LayerSlots[];
  /** Length of the flat arrays, padding included. */
  total: number;
}

/**
 * The most parameters (padding included) a model may have: 2^28 floats, a 1 GiB parameter buffer;
 * beyond it the CPU copies alone would strain a browser tab. Checkpoints are checked against it too.
 */
export const MAX_PARAMS = 1 << 28;

const ALIGN = 64;
const aligned = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

export function paramLayout(inputSize: number, units: number[]): ParamLayout {
  let offset = 0;
  let nIn = inputSize;
  const layers: LayerSlots[] = units.map((nOut) => {
    const tensors = layerModule({}).parameters(nIn, nOut).map((decl) => {
      const length = decl.shape.reduce((a, b) => a * b, 1);
      const tensor = { ...decl, offset, length };
      offset = aligned(offset + length);
      return tensor;
    });
    const byName = (name: string) => tensors.find((t) => t.name === name)!;
    const slots = { nIn, nOut, tensors, weight: byName('weight'), bias: byName('bias') };
    nIn = nOut;
    return slots;
  });
  return { layers, total: Math.max(offset, ALIGN) };
}

/** The declared parameter count (no padding): what a checkpoint holds per copy. */
export function declaredParams(layout: ParamLayout): number {
  return layout.layers.reduce((n, l) => n + l.tensors.reduce((m, t) => m + t.length, 0), 0);
}

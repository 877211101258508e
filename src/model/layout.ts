/**
 * Where each layer's parameters live inside the model's one flat parameter array (and the gradient
 * and optimizer-state arrays, which share the layout). The tensors and their shapes are what each
 * layer module declares (src/layers: dense declares `weight` [units, inputs] and `bias` [units],
 * conv2d `weight` [filters, channels, kh, kw] and `bias` [filters], layerNorm `weight` and `bias` of
 * its input's shape; pooling, flatten and dropout declare none); checkpoints, getWeights/setWeights
 * and the planner's views follow from this layout. Offsets are multiples of 64 floats (256 bytes,
 * WebGPU's minStorageBufferOffsetAlignment) so each tensor can be bound on its own, while the
 * optimizer updates the whole array in one dispatch. Padding stays zero.
 */
import { layerModule } from '../layers/index.js';
import type { ParameterDecl } from '../layers/types.js';
import { layerShapes, type NetConfig } from './config.js';

export interface TensorSlot {
  offset: number;
  length: number;
}

/** One declared parameter tensor of a layer, placed in the flat layout. */
export interface ParamTensor extends TensorSlot, ParameterDecl {}

export interface LayerSlots {
  /** Every parameter tensor the layer declares, in its order (none for pooling, flatten, dropout). */
  tensors: ParamTensor[];
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

export function paramLayout(cfg: NetConfig): ParamLayout {
  let offset = 0;
  const shapes = layerShapes(cfg);
  const layers: LayerSlots[] = cfg.layers.map((layer, t) => {
    const tensors = layerModule(layer).parameters(layer, shapes[t].inShape).map((decl) => {
      const length = decl.shape.reduce((a, b) => a * b, 1);
      const tensor = { ...decl, offset, length };
      offset = aligned(offset + length);
      return tensor;
    });
    return { tensors };
  });
  return { layers, total: Math.max(offset, ALIGN) };
}

/** The declared parameter count (no padding): what a checkpoint holds per copy. */
export function declaredParams(layout: ParamLayout): number {
  return layout.layers.reduce((n, l) => n + l.tensors.reduce((m, t) => m + t.length, 0), 0);
}

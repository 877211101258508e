import type { InitializerName } from '../types.js';
import type { ParamLayout } from './layout.js';
import type { Rng } from './rng.js';

/**
 * Initial weights drawn from the model's RNG, layer by layer, row by row; biases start at zero.
 *   normal: N(0, 1)                            (the course notes' default)
 *   xavier: N(0, 2 / (nIn + nOut))             (Glorot, for tanh/sigmoid/linear)
 *   he:     N(0, 2 / nIn)                      (for relu / leaky relu)
 */
export function initialParams(layout: ParamLayout, init: InitializerName, rng: Rng): Float32Array {
  const params = new Float32Array(layout.total);
  for (const { nIn, nOut, weight } of layout.layers) {
    const std = init === 'normal' ? 1 : init === 'xavier' ? Math.sqrt(2 / (nIn + nOut)) : Math.sqrt(2 / nIn);
    for (let i = 0; i < weight.length; i++) params[weight.offset + i] = std * rng.normal();
  }
  return params;
}

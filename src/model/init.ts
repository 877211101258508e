import type { Activation, InitializerName } from '../types.js';
import type { ParamLayout } from './layout.js';
import type { Rng } from './rng.js';

/**
 * Initial weights drawn from the model's RNG, layer by layer, row by row; biases start at zero.
 *   normal: N(0, 1)                            (the course notes' default)
 *   xavier: N(0, 2 / (nIn + nOut))             (Glorot, for tanh/sigmoid/linear/softmax)
 *   he:     N(0, 2 / nIn)                      (for relu / leaky relu)
 *   auto:   he for a relu or leakyRelu layer, xavier for every other (the library's default)
 */
export function initialParams(layout: ParamLayout, init: InitializerName, activations: readonly Activation[], rng: Rng): Float32Array {
  const params = new Float32Array(layout.total);
  layout.layers.forEach(({ nIn, nOut, weight }, t) => {
    const rule = init === 'auto' ? autoInit(activations[t]) : init;
    const std = rule === 'normal' ? 1 : rule === 'xavier' ? Math.sqrt(2 / (nIn + nOut)) : Math.sqrt(2 / nIn);
    for (let i = 0; i < weight.length; i++) params[weight.offset + i] = std * rng.normal();
  });
  return params;
}

/** The fan-in-scaled initialiser `auto` uses for a layer with this activation. */
export function autoInit(activation: Activation): 'he' | 'xavier' {
  return activation === 'relu' || activation === 'leakyRelu' ? 'he' : 'xavier';
}

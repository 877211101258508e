import type { Activation, InitializerName } from '../types.js';
import type { ParamLayout } from './layout.js';
import type { Rng } from './rng.js';

/**
 * Initial parameters from the model's RNG, layer by layer, tensor by tensor as the layer module
 * declares them (model/layout.ts): random tensors row by row, zeros and ones without drawing.
 *   normal: N(0, 1)                            (the course notes' default)
 *   xavier: N(0, 2 / (fanIn + fanOut))         (Glorot, for tanh/sigmoid/linear/softmax)
 *   he:     N(0, 2 / fanIn)                    (for relu / leaky relu)
 *   auto:   he for a relu or leakyRelu layer, xavier for every other (the library's default)
 */
export function initialParams(layout: ParamLayout, init: InitializerName, activations: readonly Activation[], rng: Rng): Float32Array {
  const params = new Float32Array(layout.total);
  layout.layers.forEach(({ tensors }, t) => {
    const rule = init === 'auto' ? autoInit(activations[t]) : init;
    for (const tensor of tensors) {
      const how = tensor.init;
      if (how.kind === 'ones') params.fill(1, tensor.offset, tensor.offset + tensor.length);
      if (how.kind !== 'random') continue;
      const std = rule === 'normal' ? 1 : rule === 'xavier' ? Math.sqrt(2 / (how.fanIn + how.fanOut)) : Math.sqrt(2 / how.fanIn);
      for (let i = 0; i < tensor.length; i++) params[tensor.offset + i] = std * rng.normal();
    }
  });
  return params;
}

/** The fan-in-scaled initialiser `auto` uses for a layer with this activation. */
export function autoInit(activation: Activation): 'he' | 'xavier' {
  return activation === 'relu' || activation === 'leakyRelu' ? 'he' : 'xavier';
}

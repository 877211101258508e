import type { ElementwiseActivation, FloatArray } from '../types.js';
import { activateDerivative } from './activations.js';
import { checkLength } from './check.js';

/**
 * Back-propagates δ through a dense layer into the previous layer's pre-activation:
 * deltaPrev[batch,nIn] = (delta[batch,nOut] · w[nOut,nIn]) ⊙ σ'(uPrev[batch,nIn]).
 * delta is δ^t = ∂ℓ/∂U^t, w is W^t, uPrev is U^{t-1}; deltaPrev is δ^{t-1}. Overwrites deltaPrev.
 * activation 'linear' applies no factor (gives ∂ℓ/∂Z^{t-1}, e.g. the gradient w.r.t. the input),
 * and uPrev is then not read (any array, even empty, may be passed).
 */
export function denseBackwardInput(
  deltaPrev: FloatArray,
  delta: FloatArray,
  w: FloatArray,
  uPrev: FloatArray,
  batch: number,
  nIn: number,
  nOut: number,
  activation: ElementwiseActivation,
  slope: number,
): void {
  checkLength('denseBackwardInput deltaPrev', deltaPrev, batch * nIn);
  checkLength('denseBackwardInput delta', delta, batch * nOut);
  checkLength('denseBackwardInput w', w, nOut * nIn);
  const linear = activation === 'linear';
  if (!linear) checkLength('denseBackwardInput uPrev', uPrev, batch * nIn);
  for (let r = 0; r < batch; r++) {
    for (let i = 0; i < nIn; i++) {
      let sum = 0;
      for (let o = 0; o < nOut; o++) {
        sum += delta[r * nOut + o] * w[o * nIn + i];
      }
      deltaPrev[r * nIn + i] = linear ? sum : sum * activateDerivative(activation, uPrev[r * nIn + i], slope);
    }
  }
}

import type { ElementwiseActivation, FloatArray } from '../types.js';
import { activateDerivative } from './activations.js';
import { checkLength } from './check.js';

/**
 * Back-propagates δ through a dense layer into the previous layer's pre-activation:
 * dx[batch,nIn] = (dy[batch,nOut] · w[nOut,nIn]) ⊙ σ'(uPrev[batch,nIn]).
 * dy is δ^t = ∂ℓ/∂U^t, w is W^t, uPrev is U^{t-1}; dx is δ^{t-1}. Overwrites dx.
 * activation 'linear' applies no factor (gives ∂ℓ/∂Z^{t-1}, e.g. the gradient w.r.t. the input),
 * and uPrev is then not read (any array, even empty, may be passed).
 */
export function denseBackwardInput(
  dx: FloatArray,
  dy: FloatArray,
  w: FloatArray,
  uPrev: FloatArray,
  batch: number,
  nIn: number,
  nOut: number,
  activation: ElementwiseActivation,
  slope: number,
): void {
  checkLength('denseBackwardInput dx', dx, batch * nIn);
  checkLength('denseBackwardInput dy', dy, batch * nOut);
  checkLength('denseBackwardInput w', w, nOut * nIn);
  const linear = activation === 'linear';
  if (!linear) checkLength('denseBackwardInput uPrev', uPrev, batch * nIn);
  for (let r = 0; r < batch; r++) {
    for (let i = 0; i < nIn; i++) {
      let sum = 0;
      for (let o = 0; o < nOut; o++) {
        sum += dy[r * nOut + o] * w[o * nIn + i];
      }
      dx[r * nIn + i] = linear ? sum : sum * activateDerivative(activation, uPrev[r * nIn + i], slope);
    }
  }
}

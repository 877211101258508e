import type { FloatArray } from '../types.js';
import { biasGrad } from './bias_grad.js';
import { checkLength } from './check.js';
import { matmul } from './matmul.js';

/**
 * A dense layer's parameter gradients: dW = δᵀ·X ([nOut, nIn]) and db = Σ_batch δ ([nOut]), for
 * δ = dy [batch, nOut] and the layer's input x [batch, nIn]. Overwrites dw and db.
 * No normalisation here: δ already carries the loss's 1/B or 1/(B·n) factor.
 */
export function denseBackwardWeights(
  dw: FloatArray,
  db: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  batch: number,
  nIn: number,
  nOut: number,
): void {
  checkLength('denseBackwardWeights dw', dw, nOut * nIn);
  checkLength('denseBackwardWeights db', db, nOut);
  checkLength('denseBackwardWeights dy', dy, batch * nOut);
  checkLength('denseBackwardWeights x', x, batch * nIn);
  matmul(dw, dy, x, nOut, nIn, batch, true, false);
  biasGrad(db, dy, batch, nOut);
}

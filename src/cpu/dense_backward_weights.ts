import type { FloatArray } from '../types.js';
import { biasGrad } from './bias_grad.js';
import { checkLength } from './check.js';
import { matmul } from './matmul.js';

/**
 * A dense layer's parameter gradients: dW = δᵀ·X ([nOut, nIn]) and db = Σ_batch δ ([nOut]), for
 * δ = delta [batch, nOut] and the layer's input x [batch, nIn]. Overwrites dw and db.
 * No normalisation here: δ already carries the loss's 1/B or 1/(B·n) factor.
 */
export function denseBackwardWeights(
  dw: FloatArray,
  db: FloatArray,
  delta: FloatArray,
  x: FloatArray,
  batch: number,
  nIn: number,
  nOut: number,
): void {
  checkLength('denseBackwardWeights dw', dw, nOut * nIn);
  checkLength('denseBackwardWeights db', db, nOut);
  checkLength('denseBackwardWeights delta', delta, batch * nOut);
  checkLength('denseBackwardWeights x', x, batch * nIn);
  matmul(dw, delta, x, nOut, nIn, batch, true, false);
  biasGrad(db, delta, batch, nOut);
}

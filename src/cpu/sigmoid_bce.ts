import type { FloatArray } from '../types.js';
import { sigmoid } from './activations.js';
import { checkLength } from './check.js';

/**
 * Binary cross-entropy on logits u[rows,cols] (the output layer is a sigmoid) with targets y in
 * [0,1]. Per element, in the stable form of −y·log s(u) − (1−y)·log(1 − s(u)):
 *   ℓ = max(u,0) − u·y + log(1 + exp(−|u|))
 *   L = Σ ℓ / (rows·cols)                    (mean over all elements)
 *   delta = (sigmoid(u) − y) / (rows·cols)       (δ = ∂L/∂u)
 * Overwrites delta; returns L.
 */
export function sigmoidBce(delta: FloatArray, u: FloatArray, y: FloatArray, rows: number, cols: number): number {
  const count = rows * cols;
  checkLength('sigmoidBce delta', delta, count);
  checkLength('sigmoidBce u', u, count);
  checkLength('sigmoidBce y', y, count);
  if (count === 0) return 0;
  const scale = 1 / count;
  let loss = 0;
  for (let i = 0; i < count; i++) {
    const logit = u[i];
    const target = y[i];
    loss += Math.max(logit, 0) - logit * target + Math.log1p(Math.exp(-Math.abs(logit)));
    delta[i] = (sigmoid(logit) - target) * scale;
  }
  return loss * scale;
}

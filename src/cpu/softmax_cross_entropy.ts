import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

/**
 * Softmax cross-entropy on logits u[rows,cols] with targets y[rows,cols] (one-hot or soft labels;
 * a row need not sum to 1). With p = softmax(u) row-wise and lse_r = log Σ_j exp(u[r,j]):
 *   L = −(1/rows) Σ_r Σ_j y[r,j] · log p[r,j] = (1/rows) Σ_r Σ_j y[r,j] (lse_r − u[r,j])
 *   delta[r,j] = (p[r,j] · Σ_j' y[r,j'] − y[r,j]) / rows      (= (P − Y)/B for one-hot rows)
 * Mean over rows (not over rows·cols). lse is computed max-subtracted. Overwrites delta; returns L.
 */
export function softmaxCrossEntropy(
  delta: FloatArray,
  u: FloatArray,
  y: FloatArray,
  rows: number,
  cols: number,
): number {
  checkLength('softmaxCrossEntropy delta', delta, rows * cols);
  checkLength('softmaxCrossEntropy u', u, rows * cols);
  checkLength('softmaxCrossEntropy y', y, rows * cols);
  if (rows === 0) return 0;
  const scale = 1 / rows;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, u[base + j]);
    let sumExp = 0;
    let sumY = 0;
    for (let j = 0; j < cols; j++) {
      sumExp += Math.exp(u[base + j] - max);
      sumY += y[base + j];
    }
    const lse = max + Math.log(sumExp);
    for (let j = 0; j < cols; j++) {
      const logit = u[base + j];
      const target = y[base + j];
      loss += target * (lse - logit);
      const p = Math.exp(logit - lse);
      delta[base + j] = (p * sumY - target) * scale;
    }
  }
  return loss * scale;
}

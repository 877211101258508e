import type { ElementwiseActivation, FloatArray } from '../types.js';
import { activateDerivative } from './activations.js';
import { checkLength } from './check.js';

/**
 * Mean squared error over all rows·cols elements, and its δ for the output layer:
 *   L = Σ_{r,j} (z[r,j] − y[r,j])² / (rows·cols)
 *   delta[r,j] = 2 (z[r,j] − y[r,j]) / (rows·cols) · σ'(u[r,j])
 * z = σ(u) is the output already computed by the forward pass; u is its pre-activation (read only
 * for the σ' factor, not at all for 'linear'). All arrays [rows,cols]. Overwrites delta; returns L.
 */
export function mseLoss(
  delta: FloatArray,
  u: FloatArray,
  z: FloatArray,
  y: FloatArray,
  rows: number,
  cols: number,
  activation: ElementwiseActivation,
  slope: number,
): number {
  const count = rows * cols;
  checkLength('mseLoss delta', delta, count);
  if (activation !== 'linear') checkLength('mseLoss u', u, count);
  checkLength('mseLoss z', z, count);
  checkLength('mseLoss y', y, count);
  if (count === 0) return 0;
  const scale = 1 / count;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const diff = z[i] - y[i];
    sum += diff * diff;
    const factor = activation === 'linear' ? 1 : activateDerivative(activation, u[i], slope);
    delta[i] = 2 * diff * scale * factor;
  }
  return sum * scale;
}

import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

/**
 * The global-norm clipping factor of PyTorch's clip_grad_norm_ over the first count gradients
 * (summed in float64): n = √(Σ g[i]²), factor = min(1, maxNorm / (n + 1e-6)).
 * The update twins multiply the raw gradient by it (their `scale`).
 */
export function gradNormScale(g: FloatArray, count: number, maxNorm: number): number {
  const sum = new Float64Array(1);
  gradNormPartial(sum, g, count);
  return gradNormFactor(sum, 1, maxNorm);
}

/**
 * The two kernels' halves, for the CPU engine: grad_norm_partial's twin puts Σ g[i]² (float64 sum,
 * stored once) in partial[0] and zeros in the rest; grad_norm_scale's twin adds `parts` partial
 * sums and returns the factor min(1, maxNorm / (√sum + 1e-6)).
 */
export function gradNormPartial(partial: FloatArray, g: FloatArray, count: number): void {
  checkLength('gradNormPartial g', g, count);
  let squares = 0;
  for (let i = 0; i < count; i++) squares += g[i] * g[i];
  partial.fill(0);
  partial[0] = squares;
}

export function gradNormFactor(partial: FloatArray, parts: number, maxNorm: number): number {
  checkLength('gradNormFactor partial', partial, parts);
  let squares = 0;
  for (let i = 0; i < parts; i++) squares += partial[i];
  return Math.min(1, maxNorm / (Math.sqrt(squares) + 1e-6));
}

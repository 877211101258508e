import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

/**
 * The global-norm clipping factor of PyTorch's clip_grad_norm_ over the first count gradients
 * (summed in float64): n = √(Σ g[i]²), factor = min(1, maxNorm / (n + 1e-6)).
 * The update twins multiply the raw gradient by it (their `scale`).
 */
export function gradNormScale(g: FloatArray, count: number, maxNorm: number): number {
  checkLength('gradNormScale g', g, count);
  let squares = 0;
  for (let i = 0; i < count; i++) squares += g[i] * g[i];
  return Math.min(1, maxNorm / (Math.sqrt(squares) + 1e-6));
}

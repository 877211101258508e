import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

/**
 * Row-wise softmax: z[r,j] = exp(u[r,j] − max_j' u[r,j']) / Σ_j'' exp(u[r,j''] − max_j' u[r,j'])
 * for u, z stored [rows,cols] (z = softmax(u), a softmax layer's output Z, its probabilities P).
 * Subtracting the row max keeps exp from overflowing. Overwrites z.
 */
export function softmaxForward(z: FloatArray, u: FloatArray, rows: number, cols: number): void {
  checkLength('softmaxForward z', z, rows * cols);
  checkLength('softmaxForward u', u, rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, u[base + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += Math.exp(u[base + j] - max);
    for (let j = 0; j < cols; j++) z[base + j] = Math.exp(u[base + j] - max) / sum;
  }
}

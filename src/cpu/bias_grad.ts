import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

/**
 * Bias gradient: db[j] = Σ_r delta[r,j] over rows r < rows, for δ = delta stored [rows,n].
 * Overwrites db. No normalisation here: δ already carries the loss's 1/B or 1/(B·n) factor.
 */
export function biasGrad(db: FloatArray, delta: FloatArray, rows: number, n: number): void {
  checkLength('biasGrad db', db, n);
  checkLength('biasGrad delta', delta, rows * n);
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      sum += delta[r * n + j];
    }
    db[j] = sum;
  }
}

import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

/**
 * C[m,n] = op(A)[m,k] · op(B)[k,n], i.e. C[i,j] = Σ_p op(A)[i,p] · op(B)[p,j]. Overwrites C.
 *
 * transA = false: A is stored row-major [m,k]; true: A is stored [k,m] and Aᵀ is used.
 * transB = false: B is stored row-major [k,n]; true: B is stored [n,k] and Bᵀ is used.
 * With k = 0 the result is all zeros.
 */
export function matmul(
  c: FloatArray,
  a: FloatArray,
  b: FloatArray,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  checkLength('matmul c', c, m * n);
  checkLength('matmul a', a, m * k);
  checkLength('matmul b', b, k * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const aip = transA ? a[p * m + i] : a[i * k + p];
        const bpj = transB ? b[j * k + p] : b[p * n + j];
        sum += aip * bpj;
      }
      c[i * n + j] = sum;
    }
  }
}

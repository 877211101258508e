import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

/** Plain gradient descent, in place: w[i] := w[i] − lr · g[i] for i < count. */
export function sgdUpdate(w: FloatArray, g: FloatArray, count: number, lr: number): void {
  checkLength('sgdUpdate w', w, count);
  checkLength('sgdUpdate g', g, count);
  for (let i = 0; i < count; i++) {
    w[i] = w[i] - lr * g[i];
  }
}

import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { preparedGradient } from './optimizer_gradient.js';

/**
 * Nesterov momentum in DESIGN.md's form, in place, for i < count (= PyTorch SGD(nesterov=True) at a
 * constant lr):
 *   d    = scale · g[i] + weightDecay · w[i]
 *   m[i] := beta · m[i] − lr · d
 *   w[i] := w[i] + beta · m[i] − lr · d      (the velocity just written)
 * scale is the clipping factor (1 without clipping); m starts at zero.
 */
export function nesterovUpdate(
  w: FloatArray,
  m: FloatArray,
  g: FloatArray,
  count: number,
  lr: number,
  beta: number,
  weightDecay: number,
  scale: number,
): void {
  checkLength('nesterovUpdate w', w, count);
  checkLength('nesterovUpdate m', m, count);
  checkLength('nesterovUpdate g', g, count);
  for (let i = 0; i < count; i++) {
    const d = preparedGradient(g[i], w[i], scale, weightDecay);
    const velocity = beta * m[i] - lr * d;
    m[i] = velocity;
    w[i] += beta * velocity - lr * d;
  }
}

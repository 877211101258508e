import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { preparedGradient } from './optimizer_gradient.js';

/**
 * Momentum in the slides' form, in place, for i < count:
 *   d    = scale · g[i] + weightDecay · w[i]   (clipping factor, then L2 decay)
 *   m[i] := beta · m[i] − lr · d
 *   w[i] := w[i] + m[i]
 * m (the velocity) starts at zero and is owned by the optimizer between steps.
 */
export function momentumUpdate(
  w: FloatArray,
  m: FloatArray,
  g: FloatArray,
  count: number,
  lr: number,
  beta: number,
  weightDecay = 0,
  scale = 1,
): void {
  checkLength('momentumUpdate w', w, count);
  checkLength('momentumUpdate m', m, count);
  checkLength('momentumUpdate g', g, count);
  for (let i = 0; i < count; i++) {
    const velocity = beta * m[i] - lr * preparedGradient(g[i], w[i], scale, weightDecay);
    m[i] = velocity;
    w[i] = w[i] + velocity;
  }
}

import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { preparedGradient } from './optimizer_gradient.js';

/**
 * RMSProp as PyTorch's RMSprop (alpha = rho, no momentum, not centered), in place, for i < count:
 *   d    = scale · g[i] + weightDecay · w[i]
 *   v[i] := rho · v[i] + (1 − rho) · d²        (PyTorch's square_avg)
 *   w[i] := w[i] − lr · d / (√v[i] + epsilon)
 * scale is the clipping factor (1 without clipping); v starts at zero.
 */
export function rmspropUpdate(
  w: FloatArray,
  v: FloatArray,
  g: FloatArray,
  count: number,
  lr: number,
  rho: number,
  epsilon: number,
  weightDecay: number,
  scale: number,
): void {
  checkLength('rmspropUpdate w', w, count);
  checkLength('rmspropUpdate v', v, count);
  checkLength('rmspropUpdate g', g, count);
  for (let i = 0; i < count; i++) {
    const d = preparedGradient(g[i], w[i], scale, weightDecay);
    const avg = rho * v[i] + (1 - rho) * d * d;
    v[i] = avg;
    w[i] -= (lr * d) / (Math.sqrt(avg) + epsilon);
  }
}

import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { preparedGradient } from './optimizer_gradient.js';

/**
 * Plain gradient descent, in place, for i < count:
 *   w[i] := w[i] − lr · (scale · g[i] + weightDecay · w[i])
 * scale is the global-norm clipping factor (1 without clipping); weightDecay is L2 (λ).
 */
export function sgdUpdate(w: FloatArray, g: FloatArray, count: number, lr: number, weightDecay = 0, scale = 1): void {
  checkLength('sgdUpdate w', w, count);
  checkLength('sgdUpdate g', g, count);
  for (let i = 0; i < count; i++) {
    w[i] = w[i] - lr * preparedGradient(g[i], w[i], scale, weightDecay);
  }
}

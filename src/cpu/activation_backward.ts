import type { ElementwiseActivation, FloatArray } from '../types.js';
import { activateDerivative } from './activations.js';
import { checkLength } from './check.js';

/** du[i] = dz[i] · σ'(u[i]) for i < count (element-wise). Overwrites du. `slope`: leakyRelu only. */
export function activationBackward(
  du: FloatArray,
  dz: FloatArray,
  u: FloatArray,
  count: number,
  activation: ElementwiseActivation,
  slope: number,
): void {
  checkLength('activationBackward du', du, count);
  checkLength('activationBackward dz', dz, count);
  checkLength('activationBackward u', u, count);
  for (let i = 0; i < count; i++) {
    du[i] = dz[i] * activateDerivative(activation, u[i], slope);
  }
}

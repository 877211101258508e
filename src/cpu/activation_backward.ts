import type { ElementwiseActivation, FloatArray } from '../types';
import { activateDerivative } from './activations';
import { checkLength } from './check';

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

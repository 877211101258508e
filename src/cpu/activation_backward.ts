import type { ElementwiseActivation, FloatArray } from '../types.js';
import { activateDerivative } from './activations.js';
import { checkLength } from './check.js';

/**
 * delta[i] = dz[i] · σ'(u[i]) for i < count (element-wise): δ = ∂ℓ/∂U from dz = ∂ℓ/∂Z.
 * Overwrites delta. `slope`: leakyRelu only.
 */
export function activationBackward(
  delta: FloatArray,
  dz: FloatArray,
  u: FloatArray,
  count: number,
  activation: ElementwiseActivation,
  slope: number,
): void {
  checkLength('activationBackward delta', delta, count);
  checkLength('activationBackward dz', dz, count);
  checkLength('activationBackward u', u, count);
  for (let i = 0; i < count; i++) {
    delta[i] = dz[i] * activateDerivative(activation, u[i], slope);
  }
}

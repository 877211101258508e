import type { ElementwiseActivation, FloatArray } from '../types.js';
import { activate } from './activations.js';
import { checkLength } from './check.js';

/** z[i] = σ(u[i]) for i < count (element-wise, any shape). Overwrites z. `slope`: leakyRelu only. */
export function activationForward(
  z: FloatArray,
  u: FloatArray,
  count: number,
  activation: ElementwiseActivation,
  slope: number,
): void {
  checkLength('activationForward z', z, count);
  checkLength('activationForward u', u, count);
  for (let i = 0; i < count; i++) {
    z[i] = activate(activation, u[i], slope);
  }
}

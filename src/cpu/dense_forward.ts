import type { ElementwiseActivation, FloatArray } from '../types.js';
import { activate } from './activations.js';
import { checkLength } from './check.js';

/**
 * Dense layer forward: u[batch,nOut] = x[batch,nIn] · w[nOut,nIn]ᵀ + bias[nOut], and
 * z[batch,nOut] = σ(u) element-wise. Overwrites both u and z. `slope` is used only by leakyRelu.
 */
export function denseForward(
  u: FloatArray,
  z: FloatArray,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray,
  batch: number,
  nIn: number,
  nOut: number,
  activation: ElementwiseActivation,
  slope: number,
): void {
  checkLength('denseForward u', u, batch * nOut);
  checkLength('denseForward z', z, batch * nOut);
  checkLength('denseForward x', x, batch * nIn);
  checkLength('denseForward w', w, nOut * nIn);
  checkLength('denseForward bias', bias, nOut);
  for (let r = 0; r < batch; r++) {
    for (let o = 0; o < nOut; o++) {
      let sum = bias[o];
      for (let i = 0; i < nIn; i++) {
        sum += x[r * nIn + i] * w[o * nIn + i];
      }
      u[r * nOut + o] = sum;
      z[r * nOut + o] = activate(activation, sum, slope);
    }
  }
}

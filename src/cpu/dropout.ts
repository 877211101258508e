/**
 * Inverted dropout with rate r (0 ≤ r < 1), given a keep-mask of 0/1 floats:
 *
 *     mask[i] = 1 if u[i] ≥ r else 0        (u[i] uniform in [0, 1): kept with probability 1 − r)
 *     y[i]    = x[i] · mask[i] · (1/(1 − r))
 *     ∂x[i]   = δ[i] · mask[i] · (1/(1 − r))  (the same map applied to δ)
 *
 * r = 0 keeps everything (u ≥ 0 always) and the scale is 1: the identity. r = 1 is refused
 * (the scale would be infinite; PyTorch returns zeros there, a layer with r = 1 learns nothing).
 * All arrays are flat of length n (any layout: dropout is element-wise). Only in training: at
 * inference the layer is skipped, not called with a mask of ones.
 */
import { ConfigError } from '../errors.js';
import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

function checkRate(name: string, rate: number): void {
  if (!(rate >= 0 && rate < 1)) {
    throw new ConfigError(`${name}: dropout rate must satisfy 0 ≤ rate < 1, got ${rate}`);
  }
}

/** Keep-mask from uniforms: mask[i] = u[i] ≥ rate ? 1 : 0. Overwrites mask. */
export function dropoutMask(mask: FloatArray, uniform: FloatArray, n: number, rate: number): void {
  checkRate('dropoutMask', rate);
  checkLength('dropoutMask mask', mask, n);
  checkLength('dropoutMask uniform', uniform, n);
  for (let i = 0; i < n; i++) mask[i] = uniform[i] >= rate ? 1 : 0;
}

/** y = x · mask / (1 − rate). Overwrites y. */
export function dropoutForward(y: FloatArray, x: FloatArray, mask: FloatArray, n: number, rate: number): void {
  checkRate('dropoutForward', rate);
  checkLength('dropoutForward y', y, n);
  checkLength('dropoutForward x', x, n);
  checkLength('dropoutForward mask', mask, n);
  const scale = 1 / (1 - rate);
  for (let i = 0; i < n; i++) y[i] = x[i] * mask[i] * scale;
}

/** ∂x = δ · mask / (1 − rate). Overwrites dx. */
export function dropoutBackward(dx: FloatArray, delta: FloatArray, mask: FloatArray, n: number, rate: number): void {
  checkRate('dropoutBackward', rate);
  checkLength('dropoutBackward dx', dx, n);
  checkLength('dropoutBackward delta', delta, n);
  checkLength('dropoutBackward mask', mask, n);
  const scale = 1 / (1 - rate);
  for (let i = 0; i < n; i++) dx[i] = delta[i] * mask[i] * scale;
}

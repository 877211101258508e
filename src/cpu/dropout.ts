/**
 * Inverted dropout with rate r (0 ≤ r < 1), its masks drawn from a counter-based hash, so the GPU
 * makes them itself (no random buffer to upload) and any mask can be recomputed from four numbers:
 *
 *     bits[i]  = pcg(pcg(pcg(pcg(seed) ^ layer) ^ counter) ^ i) >> 8    (24 uniform bits)
 *     mask[i]  = bits[i] ≥ threshold ? 1 : 0,   threshold = ceil(r · 2²⁴)  (kept w.p. ≈ 1 − r)
 *     y[i]     = x[i] · mask[i] · scale,         scale = f32(1/(1 − r))
 *     ∂x[i]    = δ[i] · mask[i] · scale          (the same map applied to δ)
 *
 * pcg is the PCG-RXS-M-XS hash of Jarzynski and Olano ("Hash Functions for GPU Rendering", 2020),
 * in u32 wrap-around arithmetic; shaders/lib/random.wgsl is the same code in WGSL. seed is the
 * model's, layer tells the dropout layers of one model apart, counter is the number of training
 * steps taken before this one (the Step uniform's counter), i the element's position in the buffer.
 *
 * r = 0 gives threshold 0 (every element kept) and scale 1: the identity. r = 1 is refused (the
 * scale would be infinite; PyTorch returns zeros there, a layer with r = 1 learns nothing). A
 * dropped NaN or ±∞ gives NaN, as PyTorch's x · mask · scale does (a NaN is never hidden).
 * The products x · 1 and x · 0 are exact and x · scale of two f32 is exact in float64 before the
 * store rounds it once, so these twins are bit-identical to the kernels on Float32Arrays.
 * All arrays are flat of length count (any layout: dropout is element-wise). Only in training: at
 * inference the layer is skipped.
 */
import { ConfigError } from '../errors.js';
import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

/** 2²⁴: the number of distinct values dropoutBits returns. */
export const DROPOUT_BITS_RANGE = 0x1000000;

function checkRate(name: string, rate: number): void {
  if (!(rate >= 0 && rate < 1)) {
    throw new ConfigError(`${name}: dropout rate must satisfy 0 ≤ rate < 1, got ${rate}`);
  }
}

function checkU32(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
    throw new ConfigError(`${name} must be an integer in [0, 2³² − 1], got ${value}`);
  }
}

/** The PCG hash of a u32 (state = v·747796405 + 2891336453, then an output permutation). */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** 24 uniform bits for element i of the dropout layer `layer` at step `counter` of a model seeded `seed`. */
export function dropoutBits(seed: number, layer: number, counter: number, i: number): number {
  return pcgHash(pcgHash(pcgHash(pcgHash(seed) ^ layer) ^ counter) ^ i) >>> 8;
}

/** ceil(rate · 2²⁴): an element is kept when its bits are ≥ this (rate 0 keeps all). */
export function dropoutThreshold(rate: number): number {
  checkRate('dropoutThreshold', rate);
  return Math.ceil(rate * DROPOUT_BITS_RANGE);
}

/** 1/(1 − rate) rounded to f32, as the kernels' params carry it. */
export function dropoutScale(rate: number): number {
  checkRate('dropoutScale', rate);
  return Math.fround(1 / (1 - rate));
}

function checkScale(name: string, scale: number): void {
  if (!(Number.isFinite(scale) && scale > 0)) throw new ConfigError(`${name}: scale must be finite and > 0, got ${scale}`);
}

/**
 * The dropoutForward kernel: mask[i] = bits ≥ threshold ? 1 : 0 and y[i] = x[i] · mask[i] · scale
 * (scale taken as the f32 the kernel reads). Overwrites y and mask.
 */
export function dropoutForwardHashed(
  y: FloatArray,
  mask: FloatArray,
  x: FloatArray,
  count: number,
  threshold: number,
  scale: number,
  seed: number,
  layer: number,
  counter: number,
): void {
  checkLength('dropoutForward y', y, count);
  checkLength('dropoutForward mask', mask, count);
  checkLength('dropoutForward x', x, count);
  if (!(Number.isInteger(threshold) && threshold >= 0 && threshold <= DROPOUT_BITS_RANGE)) {
    throw new ConfigError(`dropoutForward: threshold must be an integer in [0, 2²⁴], got ${threshold}`);
  }
  checkScale('dropoutForward', scale);
  checkU32('dropoutForward seed', seed);
  checkU32('dropoutForward layer', layer);
  checkU32('dropoutForward counter', counter);
  const s = Math.fround(scale);
  // The first three hashes do not depend on i: once per call, as every GPU invocation recomputes them.
  const stream = pcgHash(pcgHash(pcgHash(seed) ^ layer) ^ counter);
  for (let i = 0; i < count; i++) {
    const m = pcgHash(stream ^ i) >>> 8 >= threshold ? 1 : 0;
    mask[i] = m;
    y[i] = x[i] * m * s;
  }
}

/** The dropoutBackward kernel: ∂x = δ · mask · scale (scale as the f32 the kernel reads). Overwrites dx. */
export function dropoutBackward(dx: FloatArray, delta: FloatArray, mask: FloatArray, count: number, scale: number): void {
  checkLength('dropoutBackward dx', dx, count);
  checkLength('dropoutBackward delta', delta, count);
  checkLength('dropoutBackward mask', mask, count);
  checkScale('dropoutBackward', scale);
  const s = Math.fround(scale);
  for (let i = 0; i < count; i++) dx[i] = delta[i] * mask[i] * s;
}

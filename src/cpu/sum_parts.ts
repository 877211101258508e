/**
 * Split-K dense weight gradients (shaders/dense_backward_weights_split.wgsl, sum_parts.wgsl): the
 * rows cut into chunks of `chunk` (the last may be short), each chunk's ∂W = δᵀ·X and ∂b = Σ δ
 * (denseBackwardWeights) into its own part, then the parts added in order:
 *
 *     parts[z] = Σ_{r in chunk z} (δ[r, ·]ᵀ X[r, ·], δ[r, ·]);   out[i] = Σ_z parts[z·stride + i]
 */
import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { denseBackwardWeights } from './dense_backward_weights.js';

export function denseBackwardWeightsSplit(
  dwParts: FloatArray,
  dbParts: FloatArray,
  delta: FloatArray,
  x: FloatArray,
  rows: number,
  chunk: number,
  nIn: number,
  nOut: number,
  partStride: number,
  biasStride: number,
): void {
  const parts = Math.ceil(rows / chunk);
  checkLength('denseBackwardWeightsSplit dwParts', dwParts, (parts - 1) * partStride + nOut * nIn);
  checkLength('denseBackwardWeightsSplit dbParts', dbParts, (parts - 1) * biasStride + nOut);
  for (let z = 0; z < parts; z++) {
    const first = z * chunk;
    const n = Math.min(chunk, rows - first);
    denseBackwardWeights(
      dwParts.subarray(z * partStride, z * partStride + nOut * nIn),
      dbParts.subarray(z * biasStride, z * biasStride + nOut),
      delta.subarray(first * nOut, (first + n) * nOut),
      x.subarray(first * nIn, (first + n) * nIn),
      n,
      nIn,
      nOut,
    );
  }
}

/** out[i] = Σ_{s < parts} src[s·stride + i], s ascending. Overwrites out. */
export function sumParts(out: FloatArray, src: FloatArray, count: number, parts: number, stride: number): void {
  checkLength('sumParts src', src, (parts - 1) * stride + count);
  checkLength('sumParts out', out, count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let s = 0; s < parts; s++) sum += src[s * stride + i];
    out[i] = sum;
  }
}

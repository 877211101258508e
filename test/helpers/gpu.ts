import { create } from 'webgpu';
import { GpuContext } from '../../src/gpu/context';

let shared: Promise<GpuContext> | null = null;

/** One Dawn device per test file (SwiftShader where there is no GPU: see scripts/webgpu-env.sh). */
export function testContext(): Promise<GpuContext> {
  shared ??= GpuContext.create({ gpu: create([]) });
  return shared;
}

/** Seeded uniform numbers in [lo, hi): tests must be reproducible. */
export function randomArray(seed: number, length: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Largest violation of |actual − expected| ≤ atol + rtol·|expected|; ≤ 0 means all within. */
export function worstExcess(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): number {
  if (actual.length < expected.length) return Infinity;
  let worst = -Infinity;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (Number.isNaN(excess)) return Infinity;
    worst = Math.max(worst, excess);
  }
  return worst;
}

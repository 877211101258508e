// Timing and numbers shared by the benchmarks.
import { Rng, uniformArray } from '../../src/model/rng';

export interface Timing {
  /** Milliseconds of each timed repeat, in the order they ran. */
  samples: number[];
  median: number;
  min: number;
  max: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(samples: number[]): Timing {
  return { samples: samples.map(round3), median: round3(median(samples)), min: round3(Math.min(...samples)), max: round3(Math.max(...samples)) };
}

export interface CallTimes {
  /** Wall milliseconds of each timed call. */
  wall: number[];
  /**
   * CPU milliseconds this process spent during each call, all its threads together (user + system).
   * On a GPU that is the host-side cost (encoding, submits, JS); on a software adapter (SwiftShader
   * runs in this process) it is the arithmetic too, and unlike wall time it does not grow when other
   * processes compete for the cores.
   */
  cpu: number[];
}

/** Runs `warmups` untimed calls, then `repeats` timed calls. */
export async function timeCalls(warmups: number, repeats: number, call: () => Promise<void>): Promise<CallTimes> {
  for (let i = 0; i < warmups; i++) await call();
  const times: CallTimes = { wall: [], cpu: [] };
  for (let i = 0; i < repeats; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await call();
    times.wall.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    times.cpu.push((used.user + used.system) / 1000);
  }
  return times;
}

export function round3(x: number): number {
  return Number(x.toPrecision(4));
}

/** TFLOP/s of `flops` floating-point operations done in `ms` milliseconds. */
export function tflops(flops: number, ms: number): number {
  return round3(flops / (ms * 1e-3) / 1e12);
}

/** Seeded uniform numbers in [lo, hi): the benchmarks' synthetic data (the library's seeded Rng). */
export function seededUniform(seed: number, length: number, lo = 0, hi = 1): Float32Array {
  return uniformArray(seed, length, lo, hi);
}

/** Seeded integers in [0, n). */
export function seededLabels(seed: number, length: number, n: number): Uint8Array {
  const u = seededUniform(seed, length);
  return Uint8Array.from(u, (v) => Math.min(n - 1, Math.floor(v * n)));
}

/** A seeded permutation of 0..n-1 (Fisher–Yates, the library's Rng). */
export function seededPermutation(seed: number, n: number): Uint32Array {
  return new Rng(seed).permutation(n);
}

/** Largest |a − b| / |b| over two equal-length lists (Infinity when a value is not finite). */
export function worstRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const rel = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-30);
    if (!Number.isFinite(rel)) return Infinity;
    worst = Math.max(worst, rel);
  }
  return worst;
}

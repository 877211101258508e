// The start-up autotune: times each candidate matmul configuration (core and workgroup side) on the
// adapter at hand and keeps the fastest, once per adapter: the choice is cached in memory for the
// process and, in a browser, in localStorage, so later page loads skip the trials.
import * as cpu from '../cpu/index.js';
import type { AdapterDescription, GpuContext } from '../gpu/context.js';
import { BufferUsage } from '../gpu/flags.js';
import { CORE_WORKGROUPS, matmulConfig, type MatmulConfig, type MatmulCore, type TuneResult, type TuneTrial } from '../gpu/matmul_choice.js';
import { createBindGroup, createUniform, encode, pipeline } from '../kernels/kernel.js';
import { matmulLaunch } from '../kernels/workgroups.js';
import { uniformArray } from '../model/rng.js';

// The result types live with the context that holds them (ctx.tuning).
export type { TuneResult, TuneTrial } from '../gpu/matmul_choice.js';

const CACHE_VERSION = 6; // bump when the kernels, the candidates or the timing change
const memoryCache = new Map<string, MatmulConfig>();

function cacheKey(adapter: AdapterDescription): string {
  const { vendor, architecture, device, description } = adapter;
  return `webgpu-train:matmul-tune:v${CACHE_VERSION}:${[vendor, architecture, device, description].join('|')}`;
}

function storage(): Storage | null {
  try {
    return (globalThis as { localStorage?: Storage }).localStorage ?? null;
  } catch {
    return null; // e.g. a sandboxed iframe
  }
}

function readCache(key: string): MatmulConfig | null {
  const hit = memoryCache.get(key);
  if (hit) return hit;
  try {
    const saved = storage()?.getItem(key);
    if (!saved) return null;
    const parsed = JSON.parse(saved) as MatmulConfig;
    const valid = candidates(false, true).concat(candidates(true, true)).some((c) => c.core === parsed.core && c.workgroup === parsed.workgroup);
    return valid ? parsed : null;
  } catch {
    return null;
  }
}

function writeCache(key: string, config: MatmulConfig): void {
  memoryCache.set(key, config);
  try {
    storage()?.setItem(key, JSON.stringify(config));
  } catch {
    // Full or disabled storage: the in-memory cache still serves this page.
  }
}

/** Forgets cached choices (for tests and benchmarks that want the trials to run). */
export function clearTuneCache(): void {
  for (const key of memoryCache.keys()) {
    try {
      storage()?.removeItem(key);
    } catch {
      // ignore
    }
  }
  memoryCache.clear();
}

/**
 * The configurations worth timing: on a CPU adapter the register core (and the quad core where quads
 * work) at each workgroup side (the shared core's barriers make it several times slower there); on
 * a GPU the two workgroup-memory cores, shared and tiled (the register-based cores keep 256
 * accumulators per invocation, which no GPU holds in registers, and their large shaders would only
 * lengthen the start-up).
 */
export function candidates(software: boolean, quads: boolean): MatmulConfig[] {
  if (!software) return [matmulConfig('shared'), matmulConfig('tiled')];
  const of = (core: MatmulCore) => CORE_WORKGROUPS[core].map((workgroup): MatmulConfig => ({ core, workgroup }));
  return [...of('register'), ...(quads ? of('quad') : [])];
}

/**
 * Times the candidates on the two product shapes a dense layer's step runs most (the forward
 * X·Wᵀ and the weight gradient δᵀ·X) at n×n×n, checks each result's first row against the CPU,
 * and sets ctx.matmul to the fastest correct one. With a cached choice for this adapter it only
 * applies that.
 */
export async function autotune(ctx: GpuContext, software: boolean): Promise<TuneResult> {
  const start = performance.now();
  const size = software ? 192 : 1024;
  const key = cacheKey(ctx.adapter);
  const cachedConfig = readCache(key);
  if (cachedConfig) {
    ctx.matmul = cachedConfig;
    return { matmul: cachedConfig, trials: [], cached: true, ms: performance.now() - start, size };
  }
  const trials: TuneTrial[] = [];
  for (const config of candidates(software, ctx.quads)) {
    trials.push({ config, ms: await timeConfig(ctx, config, size) });
  }
  const timed = trials.filter((t): t is TuneTrial & { ms: number } => t.ms !== null);
  if (timed.length) {
    const best = timed.reduce((a, b) => (b.ms < a.ms ? b : a));
    ctx.matmul = best.config;
    writeCache(key, best.config);
  }
  return { matmul: ctx.matmul, trials, cached: false, ms: performance.now() - start, size };
}

const VARIANTS = [
  { TRANS_A: false, TRANS_B: true }, // forward: X·Wᵀ
  { TRANS_A: true, TRANS_B: false }, // weight gradient: δᵀ·X
];

/** Median ms of one round over 3 timed submits (after a warm-up), or null if either product is wrong. */
async function timeConfig(ctx: GpuContext, config: MatmulConfig, n: number): Promise<number | null> {
  const a = uniformArray(7, n * n, -1, 1);
  const b = uniformArray(8, n * n, -1, 1);
  const bufA = ctx.createStorage('tune.a', a);
  const bufB = ctx.createStorage('tune.b', b);
  const bufC = ctx.createBuffer('tune.c', n * n * 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC);
  const params = createUniform(ctx, 'matmul', 'params', { M: n, N: n, K: n });
  const launch = matmulLaunch(config, n, n, n);
  try {
    const dispatches = await Promise.all(
      VARIANTS.map(async (constants) => ({
        pipeline: await pipeline(ctx, 'matmul', { ...constants, ...launch.constants }, launch.core),
        bindGroup: createBindGroup(ctx, 'matmul', { params, a: bufA, b: bufB, c: bufC }),
        workgroups: launch.workgroups,
        perStep: false,
      })),
    );
    // `repeat` rounds in one submit, so that on a fast GPU (1024³ in a fraction of a millisecond)
    // the submit-and-wait round trip does not swamp the difference between candidates.
    const round = async (variants: typeof dispatches, repeat = 1) => {
      const encoder = ctx.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      for (let i = 0; i < repeat; i++) encode(pass, variants);
      pass.end();
      ctx.device.queue.submit([encoder.finish()]);
      await ctx.device.queue.onSubmittedWorkDone();
    };
    // Correctness first: the first row of each variant against the CPU.
    for (let v = 0; v < VARIANTS.length; v++) {
      await round([dispatches[v]]);
      const row = await ctx.read(bufC, 0, n * 4);
      if (!firstRowMatches(row, a, b, n, VARIANTS[v].TRANS_A, VARIANTS[v].TRANS_B)) return null;
    }
    const warm = performance.now();
    await round(dispatches);
    const repeat = roundsPerSubmit(performance.now() - warm);
    const times: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      await round(dispatches, repeat);
      times.push((performance.now() - t0) / repeat);
    }
    times.sort((x, y) => x - y);
    return times[1];
  } catch {
    return null; // a configuration this device cannot compile or run is simply not chosen
  } finally {
    for (const buffer of [bufA, bufB, bufC, params]) ctx.destroyBuffer(buffer);
  }
}

/** Rounds per timed submit: enough for about TIMED_SUBMIT_MS of work, judged by one round's wall time. */
export function roundsPerSubmit(oneRoundMs: number): number {
  return Math.min(MAX_ROUNDS_PER_SUBMIT, Math.max(1, Math.ceil(TIMED_SUBMIT_MS / Math.max(oneRoundMs, 1e-3))));
}

const TIMED_SUBMIT_MS = 5;
const MAX_ROUNDS_PER_SUBMIT = 32;

function firstRowMatches(row: Float32Array, a: Float32Array, b: Float32Array, n: number, transA: boolean, transB: boolean): boolean {
  // Row 0 of op(A): the first row of A, or its first column when A is stored transposed.
  const rowA = transA ? Float32Array.from({ length: n }, (_, k) => a[k * n]) : a.subarray(0, n);
  const ref = new Float32Array(n);
  cpu.matmul(ref, rowA, b, 1, n, n, false, transB);
  for (let j = 0; j < n; j++) {
    // |a|, |b| ≤ 1: the float32 rounding of an n-term dot product stays far below n·2⁻²⁰.
    if (!(Math.abs(row[j] - ref[j]) <= n * 2 ** -20)) return false;
  }
  return true;
}

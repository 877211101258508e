// Matmul benchmark: this library's `matmul` kernel (shaders/matmul.wgsl + lib/matmul_tile.wgsl, the
// tile that denseForward and denseBackwardInput share) in the three transpose variants backprop uses,
// against tf.matMul with the same transposes. Every result is checked against src/cpu's matmul before
// it is timed: a full check at a small odd size, and whole sampled rows of the benchmark size itself.
import { cpu, type GpuContext } from '../src/index';
import { createBindGroup, createUniform, encode, pipeline, type Dispatch } from '../src/kernels/kernel';
import { matmulLaunch } from '../src/kernels/workgroups';
import { BufferUsage } from '../src/gpu/flags';
import { SubmitPacer } from '../src/train/pacer';
import { log, type MatmulSize, type Variant } from './lib/cli';
import { seededUniform, summarize, tflops, timeCalls, type Timing } from './lib/stats';
import type { Tf } from './lib/tfjs';

const QUERY_RESOLVE = 0x0200;
const EPS32 = 2 ** -24;

/** Which operand is transposed, and what the variant is in backprop. */
export const VARIANTS: Record<Variant, { transA: boolean; transB: boolean; role: string }> = {
  NT: { transA: false, transB: true, role: 'forward U = Z·Wᵀ' },
  NN: { transA: false, transB: false, role: 'input gradient δ·W' },
  TN: { transA: true, transB: false, role: 'weight gradient dW = δᵀ·Z' },
};

export interface CheckResult {
  ok: boolean;
  /** What was compared. */
  what: string;
  /** Largest |gpu − cpu| / tolerance; ≤ 1 passes. */
  worst: number;
}

export interface MatmulEngineResult {
  check: CheckResult[];
  /** Per matmul, wall time of `perCall` back-to-back matmuls (one submit) and the final read, ÷ perCall. */
  ms: Timing | null;
  tflops: number | null;
  /** Process CPU milliseconds per matmul (see CallTimes.cpu). */
  cpuMs?: Timing | null;
  /** GPU time per matmul from timestamp queries around the same pass (when the device has them). */
  gpuMs?: Timing | null;
  gpuTflops?: number | null;
  error?: string;
}

export interface MatmulResult {
  size: string;
  M: number;
  N: number;
  K: number;
  variant: Variant;
  role: string;
  flops: number;
  perCall: number;
  webgpuTrain: MatmulEngineResult;
  tfjs?: MatmulEngineResult;
  /** TF.js ms ÷ this library's ms (> 1: this library is faster). */
  speedupVsTfjs?: number | null;
}

/** A, B as stored for a variant: A [M,K] or [K,M]; B [K,N] or [N,K]. Values uniform in [−1, 1). */
function operands(M: number, N: number, K: number, seed: number): { a: Float32Array; b: Float32Array } {
  return { a: seededUniform(seed, M * K, -1, 1), b: seededUniform(seed + 1, K * N, -1, 1) };
}

/**
 * Compares rows of C against src/cpu's matmul of the same rows of op(A) with B. The tolerance of each
 * element scales with Σ|a·b| (the float32 rounding bound of a K-term dot product, with headroom):
 * tol = 8·√K·2⁻²⁴·Σ|a_p·b_p| + 1e-6. A wrong index or a missed tile is off by O(|C|), far above it.
 */
export function checkRows(c: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number, variant: Variant, rows: number[]): CheckResult {
  const { transA, transB } = VARIANTS[variant];
  const r = rows.length;
  const aRows = new Float32Array(r * K);
  rows.forEach((i, q) => {
    for (let p = 0; p < K; p++) aRows[q * K + p] = transA ? a[p * M + i] : a[i * K + p];
  });
  const ref = new Float32Array(r * N);
  const mag = new Float32Array(r * N);
  cpu.matmul(ref, aRows, b, r, N, K, false, transB);
  cpu.matmul(mag, aRows.map(Math.abs), b.map(Math.abs), r, N, K, false, transB);
  let worst = 0;
  rows.forEach((i, q) => {
    for (let j = 0; j < N; j++) {
      const tol = 8 * Math.sqrt(K) * EPS32 * mag[q * N + j] + 1e-6;
      const err = Math.abs(c[i * N + j] - ref[q * N + j]) / tol;
      worst = Number.isNaN(err) ? Infinity : Math.max(worst, err);
    }
  });
  return { ok: worst <= 1, what: `rows ${rows.join(',')} of ${M}×${N}×${K} vs cpu.matmul`, worst: Number(worst.toPrecision(3)) };
}

/** First and last rows and two seeded ones: covers the first and the ragged last row tile. */
export function sampleRows(M: number, seed: number): number[] {
  const u = seededUniform(seed, 2);
  return [...new Set([0, M - 1, Math.floor(u[0] * M), Math.floor(u[1] * M)])].sort((x, y) => x - y);
}

/** One matmul of fixed size recorded repeatedly into one compute pass: no buffer or bind group per call. */
export class MatmulRunner {
  private readonly buffers: GPUBuffer[];
  private querySet: GPUQuerySet | null = null;
  private resolve: GPUBuffer | null = null;
  private readback: GPUBuffer | null = null;
  /** Waits as the engine's training does (paced in Node: see src/train/pacer.ts). */
  private readonly pacer: SubmitPacer;

  private constructor(
    private readonly ctx: GpuContext,
    private readonly dispatch: Dispatch,
    private readonly c: GPUBuffer,
    buffers: GPUBuffer[],
    readonly cBytes: number,
  ) {
    this.buffers = buffers;
    this.pacer = new SubmitPacer(ctx.pacedWaits);
  }

  static async create(ctx: GpuContext, M: number, N: number, K: number, variant: Variant, a: Float32Array, b: Float32Array): Promise<MatmulRunner> {
    const { transA, transB } = VARIANTS[variant];
    const launch = matmulLaunch(ctx.matmul, M, N, K);
    const pipe = await pipeline(ctx, 'matmul', { TRANS_A: transA, TRANS_B: transB, ...launch.constants }, launch.core);
    const bufA = ctx.createStorage('bench.a', a);
    const bufB = ctx.createStorage('bench.b', b);
    const bufC = ctx.createBuffer('bench.c', M * N * 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC);
    const params = createUniform(ctx, 'matmul', 'params', { M, N, K });
    const bindGroup = createBindGroup(ctx, 'matmul', { params, a: bufA, b: bufB, c: bufC });
    const dispatch: Dispatch = { pipeline: pipe, bindGroup, workgroups: launch.workgroups, perStep: false };
    return new MatmulRunner(ctx, dispatch, bufC, [bufA, bufB, bufC, params], M * N * 4);
  }

  private submit(count: number, timestamps: boolean): void {
    const encoder = this.ctx.device.createCommandEncoder({ label: 'bench matmul' });
    const timestampWrites = timestamps ? { querySet: this.querySet!, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined;
    const pass = encoder.beginComputePass({ timestampWrites });
    encode(pass, new Array<Dispatch>(count).fill(this.dispatch));
    pass.end();
    if (timestamps) encoder.resolveQuerySet(this.querySet!, 0, 2, this.resolve!, 0);
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  /** One matmul, checked for WebGPU errors; returns C. */
  async runOnce(): Promise<Float32Array> {
    return this.ctx.checked('bench matmul', async () => {
      this.submit(1, false);
      return this.ctx.read(this.c, 0, this.cBytes);
    });
  }

  /** `count` matmuls in one pass and one submit, then a 16-byte read of C (waits for all of them). */
  async run(count: number): Promise<void> {
    this.submit(count, false);
    await this.pacer.await(count, () => this.ctx.read(this.c, 0, 16));
  }

  /** GPU nanoseconds of a pass of `count` matmuls, from timestamp queries. */
  async gpuNanos(count: number): Promise<number> {
    if (!this.querySet) {
      this.querySet = this.ctx.device.createQuerySet({ type: 'timestamp', count: 2 });
      this.resolve = this.ctx.createBuffer('bench.timestamps', 16, QUERY_RESOLVE | BufferUsage.COPY_SRC);
      this.readback = this.ctx.createBuffer('bench.timestamps.read', 16, BufferUsage.MAP_READ | BufferUsage.COPY_DST);
    }
    this.submit(count, true);
    const encoder = this.ctx.device.createCommandEncoder();
    encoder.copyBufferToBuffer(this.resolve!, 0, this.readback!, 0, 16);
    this.ctx.device.queue.submit([encoder.finish()]);
    await this.pacer.await(count, () => this.ctx.mapRead(this.readback!));
    const t = new BigUint64Array(this.readback!.getMappedRange().slice(0));
    this.readback!.unmap();
    return Number(t[1] - t[0]);
  }

  destroy(): void {
    for (const b of [...this.buffers, this.resolve, this.readback]) if (b) this.ctx.destroyBuffer(b);
    this.querySet?.destroy();
  }
}

export interface MatmulPlan {
  sizes: MatmulSize[];
  variants: Variant[];
  repeats: number;
  /** Matmuls per timed call for a size (enough work per submit that the submit and read do not dominate). */
  perCall: (flops: number) => number;
  timestamps: boolean;
  seed: number;
}

/** Full check of each variant at a small odd size (every tile edge ragged) against cpu.matmul. */
export async function smallChecks(ctx: GpuContext, variants: Variant[], seed: number): Promise<Record<Variant, CheckResult>> {
  const [M, N, K] = [129, 67, 93];
  const out = {} as Record<Variant, CheckResult>;
  for (const v of variants) {
    const { a, b } = operands(M, N, K, seed + 7);
    const runner = await MatmulRunner.create(ctx, M, N, K, v, a, b);
    try {
      const c = await runner.runOnce();
      out[v] = checkRows(c, a, b, M, N, K, v, Array.from({ length: M }, (_, i) => i));
      out[v].what = `all of ${M}×${N}×${K} vs cpu.matmul`;
    } finally {
      runner.destroy();
    }
  }
  return out;
}

async function benchOurs(ctx: GpuContext, size: MatmulSize, variant: Variant, a: Float32Array, b: Float32Array, plan: MatmulPlan, small: CheckResult, perCall: number, flops: number): Promise<MatmulEngineResult> {
  const { M, N, K } = size;
  const runner = await MatmulRunner.create(ctx, M, N, K, variant, a, b);
  try {
    const check = [small, checkRows(await runner.runOnce(), a, b, M, N, K, variant, sampleRows(M, plan.seed))];
    if (!check.every((c) => c.ok)) return { check, ms: null, tflops: null, error: 'wrong result: not timed' };
    const times = await timeCalls(1, plan.repeats, () => runner.run(perCall));
    ctx.assertHealthy();
    const ms = summarize(times.wall.map((s) => s / perCall));
    const result: MatmulEngineResult = { check, ms, tflops: tflops(flops, ms.median), cpuMs: summarize(times.cpu.map((s) => s / perCall)) };
    if (plan.timestamps) {
      const gpu: number[] = [];
      for (let i = 0; i < plan.repeats; i++) gpu.push((await runner.gpuNanos(perCall)) / 1e6 / perCall);
      ctx.assertHealthy();
      const gpuMs = summarize(gpu);
      result.gpuMs = gpuMs;
      result.gpuTflops = gpuMs.median > 0 ? tflops(flops, gpuMs.median) : null;
    }
    return result;
  } finally {
    runner.destroy();
  }
}

async function benchTfjs(tf: Tf, size: MatmulSize, variant: Variant, a: Float32Array, b: Float32Array, plan: MatmulPlan, perCall: number, flops: number): Promise<MatmulEngineResult> {
  const { M, N, K } = size;
  const { transA, transB } = VARIANTS[variant];
  const ta = tf.tensor2d(a, transA ? [K, M] : [M, K]);
  const tb = tf.tensor2d(b, transB ? [N, K] : [K, N]);
  try {
    const first = tf.matMul(ta, tb, transA, transB);
    const c = (await first.data()) as Float32Array;
    first.dispose();
    const check = [checkRows(c, a, b, M, N, K, variant, sampleRows(M, plan.seed))];
    if (!check.every((r) => r.ok)) return { check, ms: null, tflops: null, error: 'wrong result: not timed' };
    const times = await timeCalls(1, plan.repeats, async () => {
      let last: ReturnType<Tf['matMul']> | null = null;
      for (let i = 0; i < perCall; i++) {
        last?.dispose();
        last = tf.matMul(ta, tb, transA, transB);
      }
      const corner = tf.slice(last!, [0, 0], [1, 1]);
      await corner.data();
      corner.dispose();
      last!.dispose();
    });
    const ms = summarize(times.wall.map((s) => s / perCall));
    return { check, ms, tflops: tflops(flops, ms.median), cpuMs: summarize(times.cpu.map((s) => s / perCall)) };
  } finally {
    ta.dispose();
    tb.dispose();
  }
}

export interface ShapeTime {
  /** C [M, N] = op(A)·op(B) with inner size K, and what it is in the training step. */
  M: number;
  N: number;
  K: number;
  variant: Variant;
  what: string;
  /** Median ms per matmul: GPU timestamps when the device has them, else wall time of a submit. */
  ms: number | null;
  source: 'timestamps' | 'wall';
  /** Median process CPU ms per matmul (the arithmetic itself on a software adapter). */
  cpuMs: number | null;
  check: CheckResult;
}

export type StepShape = Pick<ShapeTime, 'M' | 'N' | 'K' | 'variant' | 'what'>;

/**
 * Times the plain matmul kernel at the shapes of one MLP training step (the engine runs the fused
 * denseForward / denseBackwardInput kernels for NT and NN, which share this tile loop): how much of a
 * step is matrix arithmetic, and how much is everything else (element-wise kernels, dispatch, submit).
 */
export async function timeShapes(ctx: GpuContext, shapes: StepShape[], repeats: number, timestamps: boolean, seed: number): Promise<ShapeTime[]> {
  const out: ShapeTime[] = [];
  for (const shape of shapes) {
    const { M, N, K, variant } = shape;
    const { a, b } = operands(M, N, K, seed);
    const runner = await MatmulRunner.create(ctx, M, N, K, variant, a, b);
    try {
      const check = checkRows(await runner.runOnce(), a, b, M, N, K, variant, sampleRows(M, seed));
      let ms: number | null = null;
      let cpuMs: number | null = null;
      if (check.ok) {
        const samples: number[] = [];
        const cpuSamples: number[] = [];
        await runner.run(1);
        for (let i = 0; i < repeats; i++) {
          const cpu = process.cpuUsage();
          const t = performance.now();
          if (timestamps) samples.push((await runner.gpuNanos(1)) / 1e6);
          else {
            await runner.run(1);
            samples.push(performance.now() - t);
          }
          const used = process.cpuUsage(cpu);
          cpuSamples.push((used.user + used.system) / 1000);
        }
        ms = summarize(samples).median;
        cpuMs = summarize(cpuSamples).median;
      }
      out.push({ ...shape, ms, cpuMs, source: timestamps ? 'timestamps' : 'wall', check });
    } finally {
      runner.destroy();
    }
  }
  ctx.assertHealthy();
  return out;
}

export async function runMatmulBench(ctx: GpuContext, tf: Tf | null, plan: MatmulPlan): Promise<MatmulResult[]> {
  const small = await smallChecks(ctx, plan.variants, plan.seed);
  for (const v of plan.variants) log(`matmul ${v}: small check ${small[v].ok ? 'ok' : 'FAILED'} (${small[v].what}, worst ${small[v].worst} of tolerance)`);
  const results: MatmulResult[] = [];
  for (const size of plan.sizes) {
    const { M, N, K } = size;
    const { a, b } = operands(M, N, K, plan.seed);
    const flops = 2 * M * N * K;
    const perCall = plan.perCall(flops);
    for (const variant of plan.variants) {
      const result: MatmulResult = { size: size.label, M, N, K, variant, role: VARIANTS[variant].role, flops, perCall, webgpuTrain: { check: [], ms: null, tflops: null } };
      try {
        result.webgpuTrain = await benchOurs(ctx, size, variant, a, b, plan, small[variant], perCall, flops);
      } catch (error) {
        result.webgpuTrain = { check: [], ms: null, tflops: null, error: String((error as Error).message ?? error) };
      }
      if (tf) {
        try {
          result.tfjs = await benchTfjs(tf, size, variant, a, b, plan, perCall, flops);
        } catch (error) {
          result.tfjs = { check: [], ms: null, tflops: null, error: String((error as Error).message ?? error) };
        }
        const ours = result.webgpuTrain.ms?.median;
        const theirs = result.tfjs.ms?.median;
        result.speedupVsTfjs = ours && theirs ? Number((theirs / ours).toPrecision(3)) : null;
      }
      const fmt = (r: MatmulEngineResult | undefined) =>
        !r ? '-' : r.ms ? `${r.ms.median} ms ${r.tflops} TFLOP/s${r.gpuMs ? ` (GPU ${r.gpuMs.median} ms)` : ''}` : `no number (${r.error})`;
      log(`matmul ${size.label} ${variant}: webgpu-train ${fmt(result.webgpuTrain)} | tfjs ${fmt(result.tfjs)}${result.speedupVsTfjs ? ` | ×${result.speedupVsTfjs}` : ''}`);
      results.push(result);
    }
  }
  return results;
}

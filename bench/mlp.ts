// `npm run bench [-- options]`: MLP training steps and matmuls, this library against TensorFlow.js's
// WebGPU backend in the same Node process on the same Dawn adapter. Every number comes after a check
// of the same computation against the CPU reference; a wrong result gets no number.
// Options: bench/lib/cli.ts (USAGE). Results and how to read them: bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { GpuContext, LayerSpec, Sequential } from '../src/index';
import { log, parseArgs, parseSizes, setJsonMode, type BenchOptions, type ModelName } from './lib/cli';
import type { AdapterReport } from './lib/device';
import { browserTable, isBrowserReport, markdownTables, type Report } from './lib/report';
import { seededLabels, seededPermutation, seededUniform, summarize, tflops, timeCalls, worstRelative, type CallTimes, type Timing } from './lib/stats';
import { loadTfjs, readFlags, setFlags, TfMlp, type TfjsFlags, type TfjsRuntime, type TfLayer } from './lib/tfjs';
import type { MatmulResult, ShapeTime, StepShape } from './matmul';
import type { CnnResult } from './cnn';

/**
 * The library, Dawn and the GPU benchmarks, imported when a benchmark runs: `--from-json` only formats
 * a saved report and must work even while the library does not load.
 */
const load = async () => {
  const [index, device, matmul, cnn] = await Promise.all([import('../src/index'), import('./lib/device'), import('./matmul'), import('./cnn')]);
  return { Sequential: index.Sequential, ...device, ...matmul, ...cnn };
};
let lib: Awaited<ReturnType<typeof load>>;

const INPUT = 784;
const OUTPUT = 10;
const LEARNING_RATE = 0.01;
const MOMENTUM = 0.9;

const MODELS: Record<ModelName, { hidden: number[]; batch: number; checkBatch: number }> = {
  S: { hidden: [256], batch: 256, checkBatch: 256 },
  M: { hidden: [1024, 1024], batch: 1024, checkBatch: 64 },
  L: { hidden: [4096, 4096], batch: 4096, checkBatch: 16 },
};
const CHECK_STEPS = 3;
/** Loss agreement required between this library (or TF.js) and the CPU reference backend. */
const CHECK_RTOL = 1e-3;

/**
 * Training steps per timed call and timed repeats, by tier: [GPU, GPU --quick, software, software
 * --quick]. On SwiftShader (2 cores) an MLP S step takes ~0.2 s with this library's register core and
 * ~1.3 s in TF.js, an M step ~10 s and ~1 min (bench/RESULTS.md).
 */
const STEPS: Record<ModelName, [number, number, number, number]> = { S: [64, 16, 8, 4], M: [32, 8, 2, 1], L: [16, 4, 1, 1] };
const REPEATS: [number, number, number, number] = [7, 3, 3, 3];
const MATMUL_REPEATS: [number, number, number, number] = [7, 3, 3, 2];
/** On a software adapter, without --all: only MLP S, and matmuls up to 300³ multiply-adds. */
const SOFTWARE_MODELS: ModelName[] = ['S'];
const SOFTWARE_MATMUL_LIMIT = 300 ** 3;
/** The matmul sizes a software adapter runs instead of the default list (same shapes of problem: a tile multiple, one past it, odd). */
const SOFTWARE_MATMUL = '256,257,191x300x127';

interface EngineRun {
  /** Wall time per step: a training call of `steps` steps (ending with its loss read-back) ÷ steps. */
  msPerStep: Timing | null;
  samplesPerSecond: number | null;
  tflops: number | null;
  /** Process CPU milliseconds per step, all threads (see CallTimes.cpu in lib/stats.ts). */
  cpuMsPerStep?: Timing | null;
  /**
   * Milliseconds of model creation (its pipelines are already compiled and cached by the check's
   * model: see check.gpuCreateMs) and of the first, untimed call (dataset upload, step plan, bind groups).
   */
  createMs?: number;
  firstCallMs?: number;
  flags?: TfjsFlags;
  lastLoss?: number;
  error?: string;
}

interface MlpCheck {
  ok: boolean;
  what: string;
  cpuLosses: number[];
  gpuLosses: number[];
  gpuWorstRel: number;
  tfjsLosses?: number[];
  tfjsWorstRel?: number;
  tfjsOk?: boolean;
  cpuMs: number;
  /** Sequential.create on the GPU: compiles the model's pipelines the first time a shape of kernel is met in this process. */
  gpuCreateMs: number;
}

interface MlpResult {
  model: ModelName;
  layers: string;
  batch: number;
  params: number;
  flopsPerStep: number;
  steps: number;
  repeats: number;
  check: MlpCheck | null;
  webgpuTrain: EngineRun;
  tfjsDefault?: EngineRun;
  tfjsNoCpuForward?: EngineRun;
  /** The step's matmuls timed alone with the plain matmul kernel, and their sum against ms/step. */
  matmulShare?: { shapes: ShapeTime[]; msPerStep: number | null; fractionOfStep: number | null; cpuMsPerStep: number | null; fractionOfStepCpu: number | null };
  /** TF.js ms/step ÷ this library's ms/step (> 1: this library is faster). */
  speedupVsTfjsDefault?: number | null;
  speedupVsTfjsBest?: number | null;
}

function layerSpecs(name: ModelName): LayerSpec[] {
  return [...MODELS[name].hidden.map((units) => ({ units, activation: 'relu' as const })), { units: OUTPUT, activation: 'linear' as const }];
}

function paramCount(name: ModelName): number {
  let n = 0;
  let nIn = INPUT;
  for (const units of [...MODELS[name].hidden, OUTPUT]) {
    n += units * nIn + units;
    nIn = units;
  }
  return n;
}

/** Inputs uniform in [0, 1) like pixel intensities; targets one-hot rows of seeded labels. */
function syntheticData(rows: number, seed: number): { x: Float32Array; y: Float32Array } {
  const x = seededUniform(seed, rows * INPUT);
  const labels = seededLabels(seed + 1, rows, OUTPUT);
  const y = new Float32Array(rows * OUTPUT);
  labels.forEach((l, r) => (y[r * OUTPUT + l] = 1));
  return { x, y };
}

function createModel(name: ModelName, seed: number, backend: GpuContext | 'cpu'): Promise<Sequential> {
  return lib.Sequential.create({ inputSize: INPUT, layers: layerSpecs(name), loss: 'mse', init: 'he', seed, backend });
}

async function tfLayers(model: Sequential, name: ModelName): Promise<TfLayer[]> {
  const weights = await model.getWeights();
  const sizes = [INPUT, ...MODELS[name].hidden, OUTPUT];
  return weights.map((w, t) => ({ weight: w!.weight, bias: w!.bias, nIn: sizes[t], nOut: sizes[t + 1], relu: t < weights.length - 1 }));
}

const fitOptions = (batchSize: number, epochs: number, shuffle = true) =>
  ({ epochs, batchSize, shuffle, optimizer: 'momentum', learningRate: LEARNING_RATE, momentum: MOMENTUM }) as const;

/**
 * CHECK_STEPS momentum steps on one batch of the benchmark's architecture, on the CPU reference
 * backend, on this library's GPU backend and in TF.js, all from the same initial weights.
 */
async function checkMlp(ctx: GpuContext, tf: TfjsRuntime | null, name: ModelName, seed: number): Promise<MlpCheck> {
  const batch = MODELS[name].checkBatch;
  const { x, y } = syntheticData(batch, seed + 100);
  const cpuModel = await createModel(name, seed, 'cpu');
  const createStarted = performance.now();
  const gpuModel = await createModel(name, seed, ctx);
  const gpuCreateMs = Math.round(performance.now() - createStarted);
  try {
    const layers = tf ? await tfLayers(cpuModel, name) : null;
    const started = performance.now();
    const cpuLosses = (await cpuModel.fit(x, y, fitOptions(batch, CHECK_STEPS, false))).loss;
    const cpuMs = performance.now() - started;
    const gpuLosses = (await gpuModel.fit(x, y, fitOptions(batch, CHECK_STEPS, false))).loss;
    const gpuWorstRel = worstRelative(gpuLosses, cpuLosses);
    const check: MlpCheck = {
      ok: gpuWorstRel <= CHECK_RTOL,
      what: `${CHECK_STEPS} momentum steps on one batch of ${batch} (same initial weights), losses vs backend 'cpu', rtol ${CHECK_RTOL}`,
      cpuLosses,
      gpuLosses,
      gpuWorstRel: Number(gpuWorstRel.toPrecision(3)),
      cpuMs: Math.round(cpuMs),
      gpuCreateMs,
    };
    if (tf && layers) {
      const mlp = new TfMlp(tf.tf, layers, x, y, batch, LEARNING_RATE, MOMENTUM);
      try {
        const order = new Uint32Array(batch * CHECK_STEPS).map((_, i) => i % batch);
        const tfjsLosses = Array.from(await mlp.train(order, batch));
        const rel = worstRelative(tfjsLosses, cpuLosses);
        Object.assign(check, { tfjsLosses, tfjsWorstRel: Number(rel.toPrecision(3)), tfjsOk: rel <= CHECK_RTOL });
      } finally {
        mlp.dispose();
      }
    }
    return check;
  } finally {
    gpuModel.dispose();
    cpuModel.dispose();
  }
}

function engineRun(times: CallTimes, steps: number, batch: number, flopsPerStep: number): EngineRun {
  const msPerStep = summarize(times.wall.map((s) => s / steps));
  return {
    msPerStep,
    cpuMsPerStep: summarize(times.cpu.map((s) => s / steps)),
    samplesPerSecond: Math.round(batch / (msPerStep.median / 1000)),
    tflops: tflops(flopsPerStep, msPerStep.median),
  };
}

/** The matmuls of one training step (the engine skips δ·W into the input layer). */
function stepShapes(name: ModelName): StepShape[] {
  const { batch } = MODELS[name];
  const sizes = [INPUT, ...MODELS[name].hidden, OUTPUT];
  const shapes: StepShape[] = [];
  for (let t = 0; t + 1 < sizes.length; t++) {
    const [nIn, nOut] = [sizes[t], sizes[t + 1]];
    shapes.push({ M: batch, N: nOut, K: nIn, variant: 'NT', what: `layer ${t + 1} forward U = Z·Wᵀ` });
    shapes.push({ M: nOut, N: nIn, K: batch, variant: 'TN', what: `layer ${t + 1} dW = δᵀ·Z` });
    if (t > 0) shapes.push({ M: batch, N: nIn, K: nOut, variant: 'NN', what: `layer ${t + 1} δ·W` });
  }
  return shapes;
}

async function benchMlp(ctx: GpuContext, tf: TfjsRuntime | null, name: ModelName, steps: number, repeats: number, seed: number, timestamps: boolean): Promise<MlpResult> {
  const { batch } = MODELS[name];
  const params = paramCount(name);
  const flopsPerStep = 6 * params * batch;
  const result: MlpResult = {
    model: name,
    layers: [INPUT, ...MODELS[name].hidden, OUTPUT].join('-'),
    batch,
    params,
    flopsPerStep,
    steps,
    repeats,
    check: null,
    webgpuTrain: { msPerStep: null, samplesPerSecond: null, tflops: null },
  };
  log(`MLP ${name} ${result.layers}, batch ${batch}: checking against the CPU reference (batch ${MODELS[name].checkBatch}, ${CHECK_STEPS} steps)...`);
  try {
    result.check = await checkMlp(ctx, tf, name, seed);
  } catch (error) {
    result.webgpuTrain.error = `check failed to run: ${(error as Error).message}`;
    return result;
  }
  const check = result.check;
  log(`  check: webgpu-train worst rel ${check.gpuWorstRel}${check.tfjsWorstRel !== undefined ? `, tfjs worst rel ${check.tfjsWorstRel}` : ''} (CPU reference took ${check.cpuMs} ms)`);

  const { x, y } = syntheticData(batch * steps, seed);
  let created = performance.now();
  const model = await createModel(name, seed, ctx);
  const createMs = performance.now() - created;
  const layers = tf ? await tfLayers(model, name) : null;
  try {
    if (!check.ok) {
      result.webgpuTrain.error = 'losses differ from the CPU reference: not timed';
    } else {
      let lastLoss = NaN;
      const call = async () => {
        const h = await model.fit(x, y, fitOptions(batch, 1));
        lastLoss = h.loss[0];
      };
      created = performance.now();
      await call();
      const firstCallMs = performance.now() - created;
      const times = await timeCalls(0, repeats, call);
      ctx.assertHealthy();
      result.webgpuTrain = { ...engineRun(times, steps, batch, flopsPerStep), createMs: Math.round(createMs), firstCallMs: Math.round(firstCallMs), lastLoss };
      log(`  webgpu-train: ${result.webgpuTrain.msPerStep!.median} ms/step (CPU ${result.webgpuTrain.cpuMsPerStep!.median} ms), ${result.webgpuTrain.tflops} TFLOP/s (create ${Math.round(createMs)} ms, first call ${Math.round(firstCallMs)} ms)`);
      const shapes = await lib.timeShapes(ctx, stepShapes(name), Math.min(repeats, 3), timestamps, seed);
      const total = (key: 'ms' | 'cpuMs') => (shapes.every((sh) => sh[key] !== null) ? shapes.reduce((acc, sh) => acc + sh[key]!, 0) : null);
      const share = (part: number | null, whole: number | undefined) => (part === null || !whole ? null : Number((part / whole).toPrecision(3)));
      const [sum, cpuSum] = [total('ms'), total('cpuMs')];
      result.matmulShare = {
        shapes,
        msPerStep: sum === null ? null : Number(sum.toPrecision(4)),
        fractionOfStep: share(sum, result.webgpuTrain.msPerStep?.median),
        cpuMsPerStep: cpuSum === null ? null : Number(cpuSum.toPrecision(4)),
        fractionOfStepCpu: share(cpuSum, result.webgpuTrain.cpuMsPerStep?.median),
      };
      log(`  its matmuls alone: ${result.matmulShare.msPerStep} ms per step (${shapes[0].source}), ${result.matmulShare.fractionOfStep} of the step; CPU time ${result.matmulShare.cpuMsPerStep} ms, ${result.matmulShare.fractionOfStepCpu} of the step's`);
    }
  } catch (error) {
    result.webgpuTrain.error = (error as Error).message;
  } finally {
    model.dispose();
  }

  if (tf && layers) {
    if (!check.tfjsOk) {
      result.tfjsDefault = { msPerStep: null, samplesPerSecond: null, tflops: null, error: 'TF.js losses differ from the CPU reference: not timed' };
    } else {
      const mlp = new TfMlp(tf.tf, layers, x, y, batch * steps, LEARNING_RATE, MOMENTUM);
      let call = 0;
      const configs: [keyof MlpResult & ('tfjsDefault' | 'tfjsNoCpuForward'), TfjsFlags][] = [
        ['tfjsDefault', tf.defaults],
        ['tfjsNoCpuForward', { ...tf.defaults, WEBGPU_CPU_FORWARD: false }],
      ];
      try {
        for (const [key, flags] of configs) {
          setFlags(tf.tf, flags);
          try {
            let lastLoss = NaN;
            const run = async () => {
              const losses = await mlp.train(seededPermutation(seed + 1000 + call++, batch * steps), batch);
              lastLoss = losses[losses.length - 1];
              if (!Number.isFinite(lastLoss)) throw new Error(`TF.js loss became ${lastLoss}`);
            };
            const started = performance.now();
            await run();
            const firstCallMs = Math.round(performance.now() - started);
            const times = await timeCalls(0, repeats, run);
            result[key] = { ...engineRun(times, steps, batch, flopsPerStep), firstCallMs, flags: readFlags(tf.tf), lastLoss };
            log(`  tfjs (${JSON.stringify(flags)}): ${result[key]!.msPerStep!.median} ms/step (CPU ${result[key]!.cpuMsPerStep!.median} ms), ${result[key]!.tflops} TFLOP/s`);
          } catch (error) {
            result[key] = { msPerStep: null, samplesPerSecond: null, tflops: null, flags, error: (error as Error).message };
          }
        }
      } finally {
        setFlags(tf.tf, tf.defaults);
        mlp.dispose();
      }
    }
    const ours = result.webgpuTrain.msPerStep?.median;
    const tfDefault = result.tfjsDefault?.msPerStep?.median;
    const tfBest = Math.min(tfDefault ?? Infinity, result.tfjsNoCpuForward?.msPerStep?.median ?? Infinity);
    result.speedupVsTfjsDefault = ours && tfDefault ? Number((tfDefault / ours).toPrecision(3)) : null;
    result.speedupVsTfjsBest = ours && Number.isFinite(tfBest) ? Number((tfBest / ours).toPrecision(3)) : null;
  }
  return result;
}

/** The library's version under test: commit, and the src/ and shaders/ files changed since (null without git). */
function sourceState(): { commit: string; changedFiles: string[] } | null {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = git('status', '--porcelain', '--', 'src', 'shaders');
    return { commit: git('rev-parse', '--short', 'HEAD'), changedFiles: changed ? changed.split('\n').map((l) => l.trim()) : [] };
  } catch {
    return null;
  }
}

async function main(options: BenchOptions): Promise<void> {
  const startedAt = new Date();
  const loadBefore = os.loadavg().map((l) => Number(l.toFixed(2)));
  lib = await load();
  const { gpu, ctx, adapter, timestamps } = await lib.openGpu(options.core ?? undefined);
  const software = adapter.isFallbackAdapter;
  const tier = (software ? 2 : 0) + (options.quick ? 1 : 0);
  log(`adapter: ${[adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean).join(' / ')}${software ? ' (software fallback adapter)' : ''}; matmul core ${ctx.matmulCore}`);
  const skipped: { what: string; why: string }[] = [];

  let models = options.models;
  let sizes = options.matmul;
  if (software && !options.all) {
    const heavy = models.filter((m) => !SOFTWARE_MODELS.includes(m));
    if (heavy.length) {
      skipped.push({
        what: `MLP ${heavy.join(', ')}`,
        why: `software (fallback) adapter: a step is ${heavy.map((m) => `${m} ${(6 * paramCount(m) * MODELS[m].batch / 1e9).toFixed(0)} GFLOP`).join(', ')} of CPU arithmetic: seconds to minutes per step (M) and minutes to an hour (L) under SwiftShader; pass --all to run`,
      });
      models = models.filter((m) => SOFTWARE_MODELS.includes(m));
    }
    if (options.matmulIsDefault) {
      skipped.push({ what: `matmul ${sizes.map((s) => s.label).join(', ')}`, why: `software (fallback) adapter: replaced by ${SOFTWARE_MATMUL}; pass --all to run them` });
      sizes = parseSizes(SOFTWARE_MATMUL);
    }
    const big = sizes.filter((s) => s.M * s.N * s.K > SOFTWARE_MATMUL_LIMIT);
    if (big.length) {
      skipped.push({ what: `matmul ${big.map((s) => s.label).join(', ')}`, why: 'software (fallback) adapter: above 300³ multiply-adds; pass --all to run them' });
      sizes = sizes.filter((s) => s.M * s.N * s.K <= SOFTWARE_MATMUL_LIMIT);
    }
  }
  if (!timestamps) skipped.push({ what: 'GPU timestamps', why: "the adapter has no 'timestamp-query'" });
  if (models.length) skipped.push({ what: 'per-kernel GPU times inside an MLP step', why: "the engine's step plan is private to src/train/gpu_engine.ts; instead the step's matmul shapes are timed alone with the plain matmul kernel (matmulShare)" });

  let tf: TfjsRuntime | null = null;
  if (options.tfjs) {
    try {
      tf = await loadTfjs(gpu);
      log(`TF.js ${tf.version} webgpu backend, defaults ${JSON.stringify(tf.defaults)}`);
    } catch (error) {
      skipped.push({ what: 'TensorFlow.js', why: `could not start its webgpu backend: ${(error as Error).message}` });
    }
  } else {
    skipped.push({ what: 'TensorFlow.js', why: '--no-tfjs' });
  }

  const mlp: MlpResult[] = [];
  for (const name of models) {
    const steps = options.steps ?? STEPS[name][tier];
    const repeats = options.repeats ?? REPEATS[tier];
    mlp.push(await benchMlp(ctx, tf, name, steps, repeats, options.seed, timestamps));
  }

  let cnn: CnnResult | null = null;
  if (options.cnn) {
    const steps = options.steps ?? lib.CNN_STEPS[tier];
    const repeats = options.repeats ?? REPEATS[tier];
    cnn = await lib.benchCnn(ctx, tf, { steps, repeats, seed: options.seed, learningRate: LEARNING_RATE, momentum: MOMENTUM, log });
  }

  let matmul: MatmulResult[] = [];
  if (sizes.length) {
    const repeats = options.repeats ?? MATMUL_REPEATS[tier];
    // Enough matmuls per submit that submit and read-back latency (~0.1 ms) stay small next to them.
    const perCall = (flops: number) => (software ? 1 : Math.max(2, Math.min(64, Math.ceil(1e12 / flops))));
    matmul = await lib.runMatmulBench(ctx, tf?.tf ?? null, { sizes, variants: options.variants, repeats, perCall, timestamps, seed: options.seed });
  }
  ctx.assertHealthy();

  const report = {
    date: startedAt.toISOString(),
    command: process.env.npm_lifecycle_event
      ? `npm run ${process.env.npm_lifecycle_event}${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`
      : `node ${process.execArgv.join(' ')} ${process.argv.slice(1).join(' ')}`,
    source: sourceState(),
    machine: {
      /** 1/5/15-minute load averages before and after the run: other processes compete for the CPU. */
      loadAverage: { before: loadBefore, after: os.loadavg().map((l) => Number(l.toFixed(2))) },
      cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` },
    adapter: adapter satisfies AdapterReport,
    tfjs: tf ? { version: tf.version, defaults: tf.defaults } : null,
    settings: { matmulCore: ctx.matmulCore, matmul: ctx.matmul, quads: ctx.quads, tuning: ctx.tuning, matmulCoreForced: options.core !== null, dawnOptions: lib.DAWN_OPTIONS, quick: options.quick, all: options.all, seed: options.seed, learningRate: LEARNING_RATE, momentum: MOMENTUM, loss: 'mse', init: 'he', stepsPerSubmit: 16 },
    skipped,
    mlp,
    cnn,
    /** TF.js ms/step at its faster setting ÷ this library's, for the CNN step (details under cnn). */
    cnnSpeedupVsTfjs: cnn?.speedupVsTfjs ?? null,
    matmul,
    definitions: {
      msPerStep: 'median over repeats of (wall time of one training call of `steps` steps, including its final loss read-back) / steps',
      tflops: 'MLP: 6·params·batch per step / ms per step; matmul: 2·M·N·K / ms per matmul',
      speedup: 'TF.js time / webgpu-train time (> 1: webgpu-train is faster)',
      matmulMs: 'median over repeats of (wall time of perCall matmuls in one submit + a 16-byte read of C) / perCall; gpuMs from timestamp queries around the same pass',
    },
  };
  if (options.json) process.stdout.write(JSON.stringify(report) + '\n');
  else log(`\n${markdownTables(report as unknown as Report)}`);
}

let options: BenchOptions;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
setJsonMode(options.json);
const run = options.fromJson
  ? Promise.resolve().then(() => {
      const text = readFileSync(options.fromJson!, 'utf8');
      // Tolerate npm's header lines before the object (from `npm run bench` without -s).
      const json: unknown = JSON.parse(text.slice(text.indexOf('{')));
      // Either this bench's report or bench:browser's.
      process.stdout.write((isBrowserReport(json) ? browserTable(json) : markdownTables(json as Report)) + '\n');
    })
  : main(options);
run.then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);

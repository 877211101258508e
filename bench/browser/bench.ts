// Browser benchmark page: MLP S (784-256-10, relu hidden, linear output, MSE, SGD with momentum 0.9,
// batch 256) trained by this library and by TensorFlow.js's WebGPU backend in the same page.
//
// 1. Correctness first: three steps on this library's WebGPU backend and on its CPU reference
//    backend (backend: 'cpu') from the same seed must give the same losses within 1e-3 relative;
//    otherwise the page reports failure and times nothing. (TF.js runs the same three steps from the
//    same initial weights; its agreement is reported too.)
// 2. Timing: a call = one training pass over `steps` batches of a synthetic dataset that lives on the
//    GPU, shuffled, ending with the losses read back (for ours `await model.fit(...)`, which resolves
//    after its last loss read-back; for TF.js `await tf.stack(costs).data()`), so all GPU work is
//    inside the wall time. Each engine gets `warmup` untimed calls (pipelines, uploads); then short
//    probes over TF.js's WEBGPU_CPU_FORWARD and WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE pick its best flags;
//    then `repeats` rounds, each timing one call of ours, of TF.js at its defaults and of TF.js at its
//    best flags, interleaved so that all three see the same machine load. ms/step = median ÷ steps.
//
// 3. The CNN (bench/browser/cnn.ts), when ?cnnLayers= gives its layer specs (JSON) and not ?cnn=0.
//
// Query parameters: steps, warmup, repeats, probeSteps, probeRepeats, batch, lr, seed, cnnLayers, cnn,
// cnnSteps, cnnRepeats, cnnBatch; `close=0` keeps the
// window open at the end; `run=0` waits for window.runBench(). The result is logged as one console
// line `BENCH_RESULT {json}` (scripts/bench-browser.ts and run-chromium.sh read it), kept in
// window.__benchResult, and shown in the page; then the page calls window.close().
import { createContext, Rng, Sequential, type GpuContext, type LayerTensors } from '../../src/index';
import {
  PROGRESS_PREFIX,
  RESULT_PREFIX,
  sig,
  timeCalls,
  timing,
  worstRelative,
  type BenchResult,
  type LossCheck,
  type TfjsFlags,
  type TfjsTiming,
} from './common';
import { runCnnBench } from './cnn';
import { initTfjs, numTensors, readFlags, setFlags, TfMlp, type TfLayerInit } from './tfjs';

const INPUT = 784;
const HIDDEN = 256;
const OUTPUT = 10;
const MOMENTUM = 0.9;
const CHECK_STEPS = 3;
const CHECK_RTOL = 1e-3;

const query = new URLSearchParams(location.search);
function param(name: string, fallback: number, integer = true): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) throw new Error(`?${name}= must be a positive ${integer ? 'whole ' : ''}number, got "${raw}"`);
  return v;
}

const out = document.getElementById('out')!;
function log(message: string): void {
  console.log(PROGRESS_PREFIX + message);
  out.textContent += `${message}\n`;
}

interface Settings {
  steps: number;
  warmup: number;
  repeats: number;
  probeRepeats: number;
  probeSteps: number;
  batch: number;
  lr: number;
  seed: number;
}

/** Seeded synthetic data: inputs uniform in [0, 1), one-hot targets of uniformly random classes. */
function syntheticData(rows: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * INPUT);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const y = new Float32Array(rows * OUTPUT);
  for (let r = 0; r < rows; r++) y[r * OUTPUT + rng.below(OUTPUT)] = 1;
  return { x, y };
}

function createModel(backend: GpuContext | 'cpu', seed: number): Promise<Sequential> {
  return Sequential.create({
    inputSize: INPUT,
    layers: [
      { units: HIDDEN, activation: 'relu' },
      { units: OUTPUT, activation: 'linear' },
    ],
    loss: 'mse',
    init: 'he',
    seed,
    backend,
  });
}

function tfInit(weights: LayerTensors[]): TfLayerInit[] {
  return [
    { weight: weights[0].weight, bias: weights[0].bias, nIn: INPUT, nOut: HIDDEN, relu: true },
    { weight: weights[1].weight, bias: weights[1].bias, nIn: HIDDEN, nOut: OUTPUT, relu: false },
  ];
}

const fitOptions = (s: Settings, epochs: number) => ({
  epochs,
  batchSize: s.batch,
  optimizer: 'momentum' as const,
  learningRate: s.lr,
  momentum: MOMENTUM,
});

async function checkLosses(ctx: GpuContext, s: Settings): Promise<LossCheck> {
  // One batch as the whole dataset: each epoch is one step, so History.loss holds every step's loss.
  const { x, y } = syntheticData(s.batch, s.seed + 100);
  const gpuModel = await createModel(ctx, s.seed);
  const cpuModel = await createModel('cpu', s.seed);
  const initial = await gpuModel.getWeights();
  const gpuLosses = (await gpuModel.fit(x, y, fitOptions(s, CHECK_STEPS))).loss;
  const cpuLosses = (await cpuModel.fit(x, y, fitOptions(s, CHECK_STEPS))).loss;
  gpuModel.dispose();
  cpuModel.dispose();
  const gpuWorstRel = worstRelative(gpuLosses, cpuLosses);

  let tfjsLosses: number[] | null = null;
  const mlp = new TfMlp(tfInit(initial as LayerTensors[]), x, y, s.batch, s.lr, MOMENTUM);
  try {
    const order = new Uint32Array(CHECK_STEPS * s.batch).map((_, i) => i % s.batch);
    tfjsLosses = Array.from(await mlp.train(order, s.batch));
  } finally {
    mlp.dispose();
  }
  return {
    ok: gpuWorstRel <= CHECK_RTOL,
    tolerance: CHECK_RTOL,
    cpuLosses,
    gpuLosses,
    gpuWorstRel: sig(gpuWorstRel),
    tfjsLosses,
    tfjsWorstRel: tfjsLosses ? sig(worstRelative(tfjsLosses, cpuLosses)) : null,
  };
}

const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
const fmt = (t: { msPerStep: number; samplesPerSecond: number }) => `${t.msPerStep} ms/step, ${Math.round(t.samplesPerSecond).toLocaleString('en-US')} samples/s`;
const flagText = (f: TfjsFlags) => `CPU_FORWARD=${f.WEBGPU_CPU_FORWARD} DEFERRED_SUBMIT_BATCH_SIZE=${f.WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE}`;

async function runBench(): Promise<BenchResult> {
  const started = performance.now();
  const result: BenchResult = {
    ok: false,
    benchmark: 'mlp-s',
    date: new Date().toISOString(),
    machine: { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, adapter: null },
    model: {
      layers: [INPUT, HIDDEN, OUTPUT],
      hiddenActivation: 'relu',
      outputActivation: 'linear',
      loss: 'mse',
      optimizer: 'momentum',
      momentum: MOMENTUM,
      learningRate: 0,
      batchSize: 0,
      init: 'he',
      data: 'synthetic: inputs uniform in [0, 1), one-hot targets of random classes (seeded)',
    },
    settings: { steps: 0, warmupCalls: 0, repeats: 0, probeSteps: 0, probeRepeats: 0 },
    correctness: null,
    ours: null,
    tfjs: null,
    speedupVsTfjs: null,
    speedupVsTfjsDefault: null,
    cnn: null,
    cnnSpeedupVsTfjs: null,
    totalSeconds: 0,
  };
  try {
    const ctx = await createContext();
    result.machine.adapter = ctx.adapter;
    const software = ctx.adapter.isFallbackAdapter;
    // Software adapters (SwiftShader) are ~100× slower: fewer steps and repeats unless asked.
    const s: Settings = {
      steps: param('steps', software ? 32 : 64),
      warmup: param('warmup', 1),
      repeats: param('repeats', software ? 2 : 7),
      probeRepeats: param('probeRepeats', 1),
      probeSteps: 0,
      batch: param('batch', 256),
      lr: param('lr', 0.01, false),
      seed: param('seed', 1),
    };
    s.probeSteps = Math.min(s.steps, param('probeSteps', 8));
    result.model.learningRate = s.lr;
    result.model.batchSize = s.batch;
    result.settings = { steps: s.steps, warmupCalls: s.warmup, repeats: s.repeats, probeSteps: s.probeSteps, probeRepeats: s.probeRepeats };
    const a = ctx.adapter;
    log(`adapter: ${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' · ')}${software ? ' (fallback adapter)' : ''}`);
    log(`MLP S ${INPUT}-${HIDDEN}-${OUTPUT}, batch ${s.batch}, mse, momentum ${MOMENTUM}, lr ${s.lr}; ${s.steps} steps per call, ${s.warmup} warm-up + ${s.repeats} timed call(s) per engine setting`);

    const tfjs = await initTfjs();
    log(`TF.js ${tfjs.version} webgpu backend, default flags: ${flagText(tfjs.defaults)}`);

    log(`correctness: ${CHECK_STEPS} steps on WebGPU vs the CPU backend…`);
    const check = await checkLosses(ctx, s);
    result.correctness = check;
    log(
      `correctness: cpu ${check.cpuLosses.map((l) => l.toPrecision(6)).join(' ')} | gpu ${check.gpuLosses.map((l) => l.toPrecision(6)).join(' ')} ` +
        `| worst rel ${check.gpuWorstRel} → ${check.ok ? 'ok' : 'FAILED'}; TF.js worst rel ${check.tfjsWorstRel}`,
    );
    if (!check.ok) {
      throw new Error(
        `correctness check failed: WebGPU losses ${check.gpuLosses.join(', ')} differ from the CPU backend's ${check.cpuLosses.join(', ')} ` +
          `by up to ${check.gpuWorstRel} relative (tolerance ${CHECK_RTOL}); no timing was done`,
      );
    }

    const rows = s.batch * s.steps;
    const { x, y } = syntheticData(rows, s.seed + 1);

    // This library: one fit() epoch over the dataset = `steps` steps, resolved after the last loss read-back.
    const model = await createModel(ctx, s.seed);
    const initial = await model.getWeights();
    let oursLoss = NaN;
    const oursCall = async () => {
      oursLoss = (await model.fit(x, y, fitOptions(s, 1))).loss[0];
    };

    // TF.js from the same initial weights, on the same data, a fresh shuffle per call.
    const mlp = new TfMlp(tfInit(initial as LayerTensors[]), x, y, rows, s.lr, MOMENTUM);
    const rng = new Rng(s.seed + 2);
    let tfLoss = NaN;
    const tfCall = (steps: number) => async () => {
      tfLoss = mean(await mlp.train(rng.permutation(rows).subarray(0, steps * s.batch), s.batch));
    };

    log(`warm-up: ${s.warmup} call(s) each (pipelines, uploads)…`);
    await timeCalls(s.warmup, 0, oursCall);
    setFlags(tfjs.defaults);
    await timeCalls(s.warmup, 0, tfCall(s.steps));
    const tensorsBefore = numTensors();

    // Short probes of TF.js's speed flags pick its best setting.
    const candidates: TfjsFlags[] = [];
    for (const cpuForward of [true, false]) {
      for (const batchSize of [15, 30, 60]) {
        const f = { WEBGPU_CPU_FORWARD: cpuForward, WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: batchSize };
        if (flagText(f) !== flagText(tfjs.defaults)) candidates.push(f);
      }
    }
    const probes: { flags: TfjsFlags; msPerStep: number; samplesPerSecond: number }[] = [];
    for (const flags of [tfjs.defaults, ...candidates]) {
      setFlags(flags);
      const t = timing(await timeCalls(0, s.probeRepeats, tfCall(s.probeSteps)), s.probeSteps, s.batch, tfLoss);
      probes.push({ flags: readFlags(), msPerStep: t.msPerStep, samplesPerSecond: t.samplesPerSecond });
      log(`tfjs probe, ${s.probeSteps} steps (${flagText(flags)}): ${fmt(t)}`);
    }
    const bestFlags = probes.reduce((best, p) => (p.samplesPerSecond > best.samplesPerSecond ? p : best)).flags;
    const sameAsDefault = flagText(bestFlags) === flagText(tfjs.defaults);

    // Timed rounds, interleaved (ours, TF.js default, TF.js best) so that all see the same machine load.
    log(`timing: ${s.repeats} round(s) of ${s.steps} steps per engine setting, interleaved…`);
    const oursMs: number[] = [];
    const defaultMs: number[] = [];
    const bestMs: number[] = [];
    let defaultLoss = NaN;
    for (let r = 0; r < s.repeats; r++) {
      oursMs.push(...(await timeCalls(0, 1, oursCall)));
      setFlags(tfjs.defaults);
      defaultMs.push(...(await timeCalls(0, 1, tfCall(s.steps))));
      defaultLoss = tfLoss;
      if (!sameAsDefault) {
        setFlags(bestFlags);
        bestMs.push(...(await timeCalls(0, 1, tfCall(s.steps))));
      }
      log(
        `round ${r + 1}: ours ${(oursMs[r] / s.steps).toPrecision(4)} ms/step, tfjs default ${(defaultMs[r] / s.steps).toPrecision(4)} ms/step` +
          (sameAsDefault ? '' : `, tfjs best ${(bestMs[r] / s.steps).toPrecision(4)} ms/step`),
      );
    }
    setFlags(tfjs.defaults);
    model.dispose();
    const leaked = numTensors() - tensorsBefore;
    if (leaked !== 0) log(`note: TF.js holds ${leaked} more tensors than after its warm-up`);
    mlp.dispose();

    result.ours = timing(oursMs, s.steps, s.batch, oursLoss);
    const tfDefault: TfjsTiming = { ...timing(defaultMs, s.steps, s.batch, defaultLoss), flags: tfjs.defaults };
    const tfBest: TfjsTiming = sameAsDefault ? tfDefault : { ...timing(bestMs, s.steps, s.batch, tfLoss), flags: bestFlags };
    log(`ours: ${fmt(result.ours)} (calls ${result.ours.callMs.join(', ')} ms)`);
    log(`tfjs default (${flagText(tfDefault.flags)}): ${fmt(tfDefault)} (calls ${tfDefault.callMs.join(', ')} ms)`);
    log(`tfjs best (${flagText(tfBest.flags)}): ${fmt(tfBest)} (calls ${tfBest.callMs.join(', ')} ms)`);

    result.tfjs = { version: tfjs.version, defaultFlags: tfjs.defaults, default: tfDefault, best: tfBest, probes };
    // Against TF.js's faster timed setting: the probes' pick can come out slower in the timed rounds.
    const tfFastest = Math.max(tfBest.samplesPerSecond, tfDefault.samplesPerSecond);
    result.speedupVsTfjs = sig(result.ours.samplesPerSecond / tfFastest);
    result.speedupVsTfjsDefault = sig(result.ours.samplesPerSecond / tfDefault.samplesPerSecond);
    result.ok = true;
    log(`speedup vs TF.js: ${result.speedupVsTfjs}× (TF.js's faster timed setting), ${result.speedupVsTfjsDefault}× (default flags)`);

    // The CNN (bench/browser/cnn.ts): its layers from ?cnnLayers= (JSON), skipped with ?cnn=0.
    const cnnLayers = query.get('cnnLayers');
    if (query.get('cnn') === '0' || !cnnLayers) {
      log(`cnn: skipped (${query.get('cnn') === '0' ? '?cnn=0' : 'no ?cnnLayers='})`);
    } else {
      result.cnn = await runCnnBench(
        ctx,
        {
          layers: JSON.parse(cnnLayers),
          batch: param('cnnBatch', 64),
          steps: param('cnnSteps', software ? 2 : 32),
          warmup: s.warmup,
          repeats: param('cnnRepeats', software ? 2 : 7),
          lr: s.lr,
          momentum: MOMENTUM,
          seed: s.seed,
          tfDefaults: tfjs.defaults,
        },
        log,
      );
      result.cnnSpeedupVsTfjs = result.cnn.speedupVsTfjs;
      if (!result.cnn.ok) throw new Error(`CNN: ${result.cnn.error}`);
    }
  } catch (e) {
    result.ok = false;
    result.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    log(`FAILED: ${result.error}`);
  }
  result.totalSeconds = sig((performance.now() - started) / 1000);
  return result;
}

declare global {
  interface Window {
    runBench: () => Promise<BenchResult>;
    __benchResult?: BenchResult;
  }
}

let running: Promise<BenchResult> | null = null;
window.runBench = () => {
  running ??= runBench().then((result) => {
    window.__benchResult = result;
    console.log(RESULT_PREFIX + JSON.stringify(result));
    document.title = result.ok ? 'bench: done' : 'bench: FAILED';
    if (query.get('close') !== '0') setTimeout(() => window.close(), 100);
    return result;
  });
  return running;
};
if (query.get('run') !== '0') void window.runBench();

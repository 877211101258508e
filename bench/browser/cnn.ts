// The browser bench's CNN part (bench.ts runs it after the MLP): one training step of the main job's
// CNN at batch 64, this library against TF.js's WebGPU backend in the same page, the same way as
// the Node bench (bench/cnn.ts): same initial weights, same data (NCHW here, transposed once to NHWC
// for TF.js before any timing), momentum at the MLP's rate, softmax cross-entropy. First
// CHECK_STEPS steps on one batch on the CPU backend, this library's GPU and TF.js must agree within
// CHECK_RTOL (an engine that does not gets no number); then warm-up calls, then `repeats` rounds
// interleaving one call of ours, of TF.js at its defaults and of TF.js with WEBGPU_CPU_FORWARD flipped.
// The check leaves dropout layers out (each engine draws its own masks); the timed steps include them.
// The layers come from the page's ?cnnLayers= (JSON; scripts/bench-browser.ts passes MNIST_CNN_LAYERS
// of scripts/train-args.ts, which imports node:fs and so cannot be imported here).
import { Rng, Sequential, type GpuContext, type LayerSpec } from '../../src/index';
import { sig, timeCalls, timing, worstRelative, type CnnBenchResult, type TfjsFlags, type TfjsTiming } from './common';
import { setFlags, TfCnn } from './tfjs';

export const CNN_INPUT_SHAPE: [number, number, number] = [1, 28, 28];
const CLASSES = 10;
const CHECK_STEPS = 3;
const CHECK_RTOL = 1e-3;

export interface CnnSettings {
  layers: LayerSpec[];
  batch: number;
  steps: number;
  warmup: number;
  repeats: number;
  lr: number;
  momentum: number;
  seed: number;
  tfDefaults: TfjsFlags;
}

function syntheticData(rows: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = new Rng(seed);
  const x = new Float32Array(rows * CNN_INPUT_SHAPE.reduce((a, b) => a * b));
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const y = new Float32Array(rows * CLASSES);
  for (let r = 0; r < rows; r++) y[r * CLASSES + rng.below(CLASSES)] = 1;
  return { x, y };
}

export async function runCnnBench(ctx: GpuContext, s: CnnSettings, log: (m: string) => void): Promise<CnnBenchResult> {
  const create = (backend: GpuContext | 'cpu', layers = s.layers) => Sequential.create({ inputShape: CNN_INPUT_SHAPE, layers, loss: 'crossEntropy', seed: s.seed, backend });
  const checkLayers = s.layers.filter((l) => l.type !== 'dropout');
  const fit = (epochs: number, shuffle = true) => ({ epochs, batchSize: s.batch, shuffle, optimizer: 'momentum' as const, learningRate: s.lr, momentum: s.momentum });
  const result: CnnBenchResult = { ok: false, layers: s.layers, inputShape: CNN_INPUT_SHAPE, batchSize: s.batch, settings: { steps: s.steps, warmupCalls: s.warmup, repeats: s.repeats }, correctness: null, ours: null, tfjs: null, speedupVsTfjs: null, speedupVsTfjsDefault: null };
  try {
    // Correctness: one batch as the whole dataset, CHECK_STEPS epochs of one step each.
    const cpuModel = await create('cpu', checkLayers);
    const checkInitial = await cpuModel.getWeights();
    const check = syntheticData(s.batch, s.seed + 100);
    const cpuLosses = (await cpuModel.fit(check.x, check.y, fit(CHECK_STEPS, false))).loss;
    const gpuModel = await create(ctx, checkLayers);
    const gpuLosses = (await gpuModel.fit(check.x, check.y, fit(CHECK_STEPS, false))).loss;
    gpuModel.dispose();
    const tfCheck = new TfCnn(cpuModel.config, checkInitial, check.x, check.y, s.batch, s.lr, s.momentum);
    const tfjsLosses = Array.from(await tfCheck.train(new Uint32Array(CHECK_STEPS * s.batch).map((_, i) => i % s.batch), s.batch));
    tfCheck.dispose();
    cpuModel.dispose();
    const [gpuRel, tfRel] = [worstRelative(gpuLosses, cpuLosses), worstRelative(tfjsLosses, cpuLosses)];
    result.correctness = { ok: gpuRel <= CHECK_RTOL && tfRel <= CHECK_RTOL, tolerance: CHECK_RTOL, cpuLosses, gpuLosses, gpuWorstRel: sig(gpuRel), tfjsLosses, tfjsWorstRel: sig(tfRel) };
    log(`cnn correctness: worst rel vs CPU: ours ${sig(gpuRel)}, TF.js ${sig(tfRel)} (tolerance ${CHECK_RTOL})`);
    if (!result.correctness.ok) throw new Error(`CNN losses differ from the CPU backend's by more than ${CHECK_RTOL} (ours ${sig(gpuRel)}, TF.js ${sig(tfRel)}): not timed`);

    // Timing: `steps` batches per call, the same dataset in both engines.
    const rows = s.batch * s.steps;
    const { x, y } = syntheticData(rows, s.seed + 1);
    const model = await create(ctx);
    const tf = new TfCnn(model.config, await model.getWeights(), x, y, rows, s.lr, s.momentum); // NCHW → NHWC here, untimed
    const rng = new Rng(s.seed + 2);
    let oursLoss = NaN;
    let tfLoss = NaN;
    const oursCall = async () => void (oursLoss = (await model.fit(x, y, fit(1))).loss[0]);
    const tfCall = async () => void (tfLoss = (await tf.train(rng.permutation(rows), s.batch)).at(-1)!);
    const flipped: TfjsFlags = { ...s.tfDefaults, WEBGPU_CPU_FORWARD: !s.tfDefaults.WEBGPU_CPU_FORWARD };
    log(`cnn: ${s.warmup} warm-up call(s) each, then ${s.repeats} interleaved round(s) of ${s.steps} steps…`);
    await timeCalls(s.warmup, 0, oursCall);
    setFlags(s.tfDefaults);
    await timeCalls(s.warmup, 0, tfCall);
    const [oursMs, defaultMs, flippedMs] = [[], [], []] as number[][];
    let defaultLoss = NaN;
    for (let r = 0; r < s.repeats; r++) {
      oursMs.push(...(await timeCalls(0, 1, oursCall)));
      setFlags(s.tfDefaults);
      defaultMs.push(...(await timeCalls(0, 1, tfCall)));
      defaultLoss = tfLoss;
      setFlags(flipped);
      flippedMs.push(...(await timeCalls(0, 1, tfCall)));
      log(`cnn round ${r + 1}: ours ${sig(oursMs[r] / s.steps)} ms/step, tfjs default ${sig(defaultMs[r] / s.steps)}, tfjs CPU_FORWARD=${flipped.WEBGPU_CPU_FORWARD} ${sig(flippedMs[r] / s.steps)}`);
    }
    setFlags(s.tfDefaults);
    model.dispose();
    tf.dispose();

    result.ours = timing(oursMs, s.steps, s.batch, oursLoss);
    const tfDefault: TfjsTiming = { ...timing(defaultMs, s.steps, s.batch, defaultLoss), flags: s.tfDefaults };
    const tfFlipped: TfjsTiming = { ...timing(flippedMs, s.steps, s.batch, tfLoss), flags: flipped };
    const best = tfFlipped.msPerStep < tfDefault.msPerStep ? tfFlipped : tfDefault;
    result.tfjs = { default: tfDefault, cpuForwardFlipped: tfFlipped, best };
    result.speedupVsTfjs = sig(best.msPerStep / result.ours.msPerStep);
    result.speedupVsTfjsDefault = sig(tfDefault.msPerStep / result.ours.msPerStep);
    result.ok = true;
    log(`cnn: ours ${result.ours.msPerStep} ms/step, TF.js ${best.msPerStep} ms/step at its faster setting → cnnSpeedupVsTfjs ${result.speedupVsTfjs} (${result.speedupVsTfjsDefault} vs its defaults)`);
  } catch (e) {
    result.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    log(`cnn FAILED: ${result.error}`);
  }
  return result;
}

// The CNN part of `npm run bench` (bench/mlp.ts runs it; `--only CNN` alone): one training step of the
// main job's CNN (MNIST_CNN_BENCH_LAYERS of scripts/mnist-cnn.ts: MNIST_CNN_LAYERS without its
// randomShift augmentation, which TF.js has no op for) at batch 64, this library against
// TensorFlow.js's WebGPU backend with the same architecture (bench/shared/tfjs_cnn.ts), same initial
// weights, same data (NCHW for ours, transposed once to NHWC for TF.js before any timing), momentum
// at the MLP bench's rate, softmax cross-entropy. Checked before timed: CHECK_STEPS steps on one batch
// on the CPU reference backend, on this library's GPU and in TF.js must agree within CHECK_RTOL. The
// check runs the network without its dropout layers (each engine draws its own random masks); the
// timed steps run all of it, dropout included (tf.dropout in TF.js).
import { MNIST_CNN_BENCH_LAYERS } from '../scripts/mnist-cnn';
import { Sequential, type GpuContext, type LayerSpec } from '../src/index';
import { seededLabels, seededPermutation, seededUniform, summarize, timeCalls, worstRelative, type CallTimes, type Timing } from './lib/stats';
import { readFlags, setFlags, type TfjsFlags, type TfjsRuntime } from './lib/tfjs';
import { TfCnn } from './shared/tfjs_cnn';

export const CNN_INPUT_SHAPE: [number, number, number] = [1, 28, 28];
export const CNN_BATCH = 64;
const CLASSES = 10;
const CHECK_STEPS = 3;
/** Loss agreement required of this library's GPU backend and of TF.js against the CPU reference. */
const CHECK_RTOL = 1e-3;
/** Steps per timed call by tier [GPU, GPU --quick, software, software --quick] (SwiftShader: ~0.3–1 s a step). */
export const CNN_STEPS: [number, number, number, number] = [32, 8, 2, 1];

export interface CnnEngineRun {
  msPerStep: Timing | null;
  cpuMsPerStep?: Timing | null;
  samplesPerSecond: number | null;
  firstCallMs?: number;
  lastLoss?: number;
  flags?: TfjsFlags;
  error?: string;
}

export interface CnnResult {
  layers: string;
  inputShape: [number, number, number];
  batch: number;
  params: number;
  steps: number;
  repeats: number;
  check: {
    ok: boolean;
    what: string;
    cpuLosses: number[];
    gpuLosses: number[];
    gpuWorstRel: number;
    tfjsLosses?: number[];
    tfjsWorstRel?: number;
    tfjsOk?: boolean;
  } | null;
  webgpuTrain: CnnEngineRun;
  tfjsDefault?: CnnEngineRun;
  tfjsNoCpuForward?: CnnEngineRun;
  /** TF.js ms/step (the faster of its two settings) ÷ this library's ms/step (> 1: this library is faster). */
  speedupVsTfjs?: number | null;
  speedupVsTfjsDefault?: number | null;
  error?: string;
}

/** Inputs uniform in [0, 1) like pixel intensities (NCHW rows); targets one-hot rows of seeded labels. */
function syntheticData(rows: number, seed: number): { x: Float32Array; y: Float32Array } {
  const x = seededUniform(seed, rows * CNN_INPUT_SHAPE.reduce((a, b) => a * b));
  const y = new Float32Array(rows * CLASSES);
  seededLabels(seed + 1, rows, CLASSES).forEach((l, r) => (y[r * CLASSES + l] = 1));
  return { x, y };
}

const LAYERS: readonly LayerSpec[] = MNIST_CNN_BENCH_LAYERS;
/** The checked network: random dropout masks cannot agree between engines. */
const CHECK_LAYERS = LAYERS.filter((l) => l.type !== 'dropout');

const createModel = (seed: number, backend: GpuContext | 'cpu', layers = LAYERS) =>
  Sequential.create({ inputShape: CNN_INPUT_SHAPE, layers, loss: 'crossEntropy', seed, backend });

const fitOptions = (lr: number, momentum: number, epochs: number, shuffle = true) =>
  ({ epochs, batchSize: CNN_BATCH, shuffle, optimizer: 'momentum', learningRate: lr, momentum }) as const;

const noNumber = (error: string, flags?: TfjsFlags): CnnEngineRun => ({ msPerStep: null, samplesPerSecond: null, flags, error });

function engineRun(times: CallTimes, steps: number): CnnEngineRun {
  const msPerStep = summarize(times.wall.map((s) => s / steps));
  return { msPerStep, cpuMsPerStep: summarize(times.cpu.map((s) => s / steps)), samplesPerSecond: Math.round(CNN_BATCH / (msPerStep.median / 1000)) };
}

export async function benchCnn(
  ctx: GpuContext,
  tf: TfjsRuntime | null,
  o: { steps: number; repeats: number; seed: number; learningRate: number; momentum: number; log: (line: string) => void },
): Promise<CnnResult> {
  const cpuModel = await createModel(o.seed, 'cpu');
  const result: CnnResult = {
    layers: cpuModel.summary().layers.map((l) => `${l.type}${l.activation && l.activation !== 'linear' ? `(${l.activation})` : ''}→${l.outputShape.slice(1).join('×')}`).join(' '),
    inputShape: CNN_INPUT_SHAPE,
    batch: CNN_BATCH,
    params: cpuModel.summary().totalParams,
    steps: o.steps,
    repeats: o.repeats,
    check: null,
    webgpuTrain: noNumber('not run'),
  };
  o.log(`CNN ${result.layers}, batch ${CNN_BATCH}: checking against the CPU reference (${CHECK_STEPS} steps${CHECK_LAYERS.length < LAYERS.length ? ', without dropout' : ''})...`);
  const newTfCnn = (model: Sequential, weights: Awaited<ReturnType<Sequential['getWeights']>>, x: Float32Array, y: Float32Array, rows: number) =>
    new TfCnn(tf!.tf, model.config, weights, x, y, rows, o.learningRate, o.momentum);
  const initial = await cpuModel.getWeights();

  // The check: CHECK_STEPS steps on one batch, same initial weights (same seed) in all three.
  const checkModel = await createModel(o.seed, 'cpu', CHECK_LAYERS);
  try {
    const checkInitial = await checkModel.getWeights();
    const { x, y } = syntheticData(CNN_BATCH, o.seed + 100);
    const cpuLosses = (await checkModel.fit(x, y, fitOptions(o.learningRate, o.momentum, CHECK_STEPS, false))).loss;
    const gpuModel = await createModel(o.seed, ctx, CHECK_LAYERS);
    const gpuLosses = (await gpuModel.fit(x, y, fitOptions(o.learningRate, o.momentum, CHECK_STEPS, false)).finally(() => gpuModel.dispose())).loss;
    const gpuWorstRel = worstRelative(gpuLosses, cpuLosses);
    const check: NonNullable<CnnResult['check']> = {
      ok: gpuWorstRel <= CHECK_RTOL,
      what: `${CHECK_STEPS} momentum steps on one batch of ${CNN_BATCH} (same initial weights${CHECK_LAYERS.length < LAYERS.length ? ', dropout layers left out' : ''}), losses vs backend 'cpu', rtol ${CHECK_RTOL}`,
      cpuLosses,
      gpuLosses,
      gpuWorstRel: Number(gpuWorstRel.toPrecision(3)),
    };
    result.check = check;
    if (tf) {
      try {
        const cnn = newTfCnn(checkModel, checkInitial, x, y, CNN_BATCH);
        try {
          check.tfjsLosses = Array.from(await cnn.train(new Uint32Array(CNN_BATCH * CHECK_STEPS).map((_, i) => i % CNN_BATCH), CNN_BATCH));
        } finally {
          cnn.dispose();
        }
        const rel = worstRelative(check.tfjsLosses, cpuLosses);
        Object.assign(check, { tfjsWorstRel: Number(rel.toPrecision(3)), tfjsOk: rel <= CHECK_RTOL });
      } catch (error) {
        result.tfjsDefault = noNumber(`TF.js CNN failed to run: ${(error as Error).message}`);
      }
    }
    o.log(`  check: webgpu-train worst rel ${check.gpuWorstRel}${check.tfjsWorstRel !== undefined ? `, tfjs worst rel ${check.tfjsWorstRel}` : ''}`);
  } catch (error) {
    result.error = `check failed to run: ${(error as Error).message}`;
    cpuModel.dispose();
    return result;
  } finally {
    checkModel.dispose();
  }

  const { x, y } = syntheticData(CNN_BATCH * o.steps, o.seed);
  if (!result.check.ok) {
    result.webgpuTrain = noNumber('losses differ from the CPU reference: not timed');
  } else {
    const model = await createModel(o.seed, ctx);
    try {
      let lastLoss = NaN;
      const call = async () => void (lastLoss = (await model.fit(x, y, fitOptions(o.learningRate, o.momentum, 1))).loss[0]);
      const started = performance.now();
      await call();
      const firstCallMs = Math.round(performance.now() - started);
      const times = await timeCalls(0, o.repeats, call);
      ctx.assertHealthy();
      result.webgpuTrain = { ...engineRun(times, o.steps), firstCallMs, lastLoss };
      o.log(`  webgpu-train: ${result.webgpuTrain.msPerStep!.median} ms/step (CPU ${result.webgpuTrain.cpuMsPerStep!.median} ms), first call ${firstCallMs} ms`);
    } catch (error) {
      result.webgpuTrain = noNumber((error as Error).message);
    } finally {
      model.dispose();
    }
  }

  if (tf && !result.tfjsDefault) {
    if (!result.check.tfjsOk) {
      result.tfjsDefault = noNumber('TF.js losses differ from the CPU reference: not timed');
    } else {
      const cnn = newTfCnn(cpuModel, initial, x, y, CNN_BATCH * o.steps); // the NCHW → NHWC transpose happens here, untimed
      let call = 0;
      try {
        for (const [key, flags] of [
          ['tfjsDefault', tf.defaults],
          ['tfjsNoCpuForward', { ...tf.defaults, WEBGPU_CPU_FORWARD: false }],
        ] as const) {
          setFlags(tf.tf, flags);
          try {
            let lastLoss = NaN;
            const run = async () => {
              const losses = await cnn.train(seededPermutation(o.seed + 1000 + call++, CNN_BATCH * o.steps), CNN_BATCH);
              lastLoss = losses[losses.length - 1];
              if (!Number.isFinite(lastLoss)) throw new Error(`TF.js loss became ${lastLoss}`);
            };
            const started = performance.now();
            await run();
            const firstCallMs = Math.round(performance.now() - started);
            result[key] = { ...engineRun(await timeCalls(0, o.repeats, run), o.steps), firstCallMs, flags: readFlags(tf.tf), lastLoss };
            o.log(`  tfjs (${JSON.stringify(flags)}): ${result[key]!.msPerStep!.median} ms/step (CPU ${result[key]!.cpuMsPerStep!.median} ms)`);
          } catch (error) {
            result[key] = noNumber((error as Error).message, flags);
          }
        }
      } finally {
        setFlags(tf.tf, tf.defaults);
        cnn.dispose();
      }
    }
    const ours = result.webgpuTrain.msPerStep?.median;
    const tfDefault = result.tfjsDefault?.msPerStep?.median;
    const tfBest = Math.min(tfDefault ?? Infinity, result.tfjsNoCpuForward?.msPerStep?.median ?? Infinity);
    result.speedupVsTfjs = ours && Number.isFinite(tfBest) ? Number((tfBest / ours).toPrecision(3)) : null;
    result.speedupVsTfjsDefault = ours && tfDefault ? Number((tfDefault / ours).toPrecision(3)) : null;
    o.log(`  cnnSpeedupVsTfjs ${result.speedupVsTfjs} (TF.js's faster setting), ${result.speedupVsTfjsDefault} (its defaults)`);
  }
  cpuModel.dispose();
  return result;
}

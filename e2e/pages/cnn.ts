// CNN page: a small convolutional network (conv 4×3×3 relu → max-pool 2 → flatten → dropout 0.25 →
// dense 10 softmax) trained on synthetic 1×12×12 images of ten stroke shapes, twice from the same
// seed: on navigator.gpu through the library's WebGPU backend, then on the CPU reference backend. It
// reports both runs' epoch losses, weights, held-out scores and predictions as plain numbers, so that
// the test (e2e/cnn.test.ts) can hold the GPU to the CPU. window.runCnn(options) resolves to a
// CnnPageResult. (Synthetic images rather than MNIST: fetching and parsing the package's 21 MB of
// JSON takes 5–8 s of the test's budget on SwiftShader machines.)
import { createContext, Rng, Sequential, type LayerSpec } from '../../src/index';

export interface CnnPageOptions {
  trainSize?: number;
  testSize?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  momentum?: number;
  seed?: number;
}

/** Side of the synthetic images, and their classes. */
export const SIDE = 12;
export const CLASSES = 10;

/** The network, on [1, 12, 12] inputs: 4·1·3·3 + 4 conv parameters, 4·5·5 = 100 features, 1,010 dense parameters. */
export const CNN_LAYERS = [
  { type: 'conv2d', filters: 4, kernelSize: 3, activation: 'relu' },
  { type: 'maxPool2d', poolSize: 2 },
  { type: 'flatten' },
  { type: 'dropout', rate: 0.25 },
  { units: CLASSES, activation: 'softmax' },
] as const satisfies readonly LayerSpec[];

export interface CnnRun {
  backend: 'gpu' | 'cpu';
  /** Mean training loss of each epoch. */
  epochLoss: number[];
  /** getWeights() before training and after: one entry per layer, null for parameter-free layers. */
  initial: ({ weight: number[]; bias: number[] } | null)[];
  weights: ({ weight: number[]; bias: number[] } | null)[];
  test: { loss: number; accuracy?: number };
  /** predict() on the first 20 held-out images, [20, 10] row-major. */
  predictions: number[];
  summary: string;
  ms: { create: number; fit: number; evaluate: number };
}

export interface CnnPageResult {
  options: Required<CnnPageOptions>;
  adapter: { vendor: string; architecture: string; isFallbackAdapter: boolean };
  trainSize: number;
  testSize: number;
  gpu: CnnRun;
  cpu: CnnRun;
  uncapturedErrors: string[];
  unhealthy: string | null;
  /** GPU buffers still held by the context after the GPU model was disposed. */
  buffersAfterDispose: number;
  ms: { load: number; total: number };
}

const DEFAULTS: Required<CnnPageOptions> = {
  trainSize: 384,
  testSize: 200,
  epochs: 4,
  batchSize: 32,
  learningRate: 0.2,
  momentum: 0.9,
  seed: 7,
};

const line = (points: number[][]) => points as [number, number][];
/** a, a + 1, …, b. */
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
/** Each class's pixels [row, col] on an 8×8 grid, drawn into the 12×12 image at offset (2 + dy, 2 + dx), |dy|, |dx| ≤ 2. */
const STROKES: [number, number][][] = [
  line(range(0, 7).map((c) => [3, c])), // 0: a horizontal bar
  line(range(0, 7).map((r) => [r, 3])), // 1: a vertical bar
  line(range(0, 7).map((i) => [i, i])), // 2: a diagonal ╲
  line(range(0, 7).map((i) => [i, 7 - i])), // 3: a diagonal ╱
  line([...range(1, 6).map((c) => [3, c]), ...range(1, 6).map((r) => [r, 3])]), // 4: a cross
  line(range(1, 6).flatMap((r) => range(1, 6).filter((c) => r === 1 || r === 6 || c === 1 || c === 6).map((c) => [r, c]))), // 5: a box
  line(range(2, 5).flatMap((r) => range(2, 5).map((c) => [r, c]))), // 6: a filled square
  line([...range(0, 7).map((r) => [r, 1]), ...range(2, 7).map((c) => [7, c])]), // 7: an L
  line([...range(0, 7).map((c) => [1, c]), ...range(0, 7).map((c) => [6, c])]), // 8: two horizontal bars
  line([...range(0, 7).map((r) => [r, 1]), ...range(0, 7).map((r) => [r, 6])]), // 9: two vertical bars
];

/**
 * `count` images of the ten STROKES classes in turn (label n % 10), each shifted by up to ±2 pixels
 * each way, drawn with ink in [0.7, 1], plus uniform noise in ±0.1 (clamped to [0, 1]); all from the
 * seeded `rng`, so every run sees the same images. A class looks the same wherever it sits, which a
 * convolution with pooling learns more easily than a dense layer on the raw pixels.
 */
export function syntheticImages(count: number, rng: Rng): { x: Float32Array; labels: Uint8Array } {
  const x = new Float32Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const label = n % CLASSES;
    labels[n] = label;
    const dy = rng.below(5) - 2;
    const dx = rng.below(5) - 2;
    const ink = 0.7 + 0.3 * rng.uniform();
    const image = x.subarray(n * SIDE * SIDE, (n + 1) * SIDE * SIDE);
    for (const [r, c] of STROKES[label]) {
      image[(r + 2 + dy) * SIDE + (c + 2 + dx)] = ink;
    }
    for (let i = 0; i < image.length; i++) image[i] = Math.min(1, Math.max(0, image[i] + 0.2 * (rng.uniform() - 0.5)));
  }
  return { x, labels };
}

const plain = (layers: readonly ({ weight: Float32Array; bias: Float32Array } | null)[]) =>
  layers.map((l) => (l ? { weight: Array.from(l.weight), bias: Array.from(l.bias) } : null));

async function runCnn(given: CnnPageOptions = {}): Promise<CnnPageResult> {
  const options = { ...DEFAULTS, ...given };
  const status = document.getElementById('status')!;
  const t0 = performance.now();
  // Training and held-out images from two streams of the data seed (not the model's seed).
  const train = syntheticImages(options.trainSize, new Rng(1));
  const test = syntheticImages(options.testSize, new Rng(2));
  const shown = test.x.subarray(0, 20 * SIDE * SIDE);
  const load = performance.now() - t0; // making the images

  const ctx = await createContext();
  const uncapturedErrors: string[] = [];
  ctx.device.addEventListener('uncapturederror', (event) => {
    uncapturedErrors.push((event as GPUUncapturedErrorEvent).error.message);
  });

  const runs: Partial<Record<'gpu' | 'cpu', CnnRun>> = {};
  let buffersAfterDispose = -1;
  for (const backend of ['gpu', 'cpu'] as const) {
    status.textContent = `${backend}: building…`;
    const s0 = performance.now();
    const model = await Sequential.create({
      inputShape: [1, SIDE, SIDE],
      layers: CNN_LAYERS,
      seed: options.seed,
      backend: backend === 'gpu' ? ctx : 'cpu',
    });
    const initial = plain(await model.getWeights());
    const s1 = performance.now();
    const history = await model.fit(train.x, train.labels, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      optimizer: 'momentum',
      learningRate: options.learningRate,
      momentum: options.momentum,
      onProgress: (p) => {
        status.textContent = `${backend}: epoch ${p.epoch}/${p.epochs}, step ${p.step}/${p.steps}, loss ${p.loss.toFixed(4)}`;
      },
    });
    const s2 = performance.now();
    const score = await model.evaluate(test.x, test.labels);
    const predictions = Array.from(await model.predict(shown));
    const weights = plain(await model.getWeights());
    const s3 = performance.now();
    runs[backend] = {
      backend,
      epochLoss: history.loss,
      initial,
      weights,
      test: score,
      predictions,
      summary: model.summary().text,
      ms: { create: s1 - s0, fit: s2 - s1, evaluate: s3 - s2 },
    };
    model.dispose();
    if (backend === 'gpu') buffersAfterDispose = ctx.stats().buffers;
  }
  let unhealthy: string | null = null;
  try {
    ctx.assertHealthy();
  } catch (e) {
    unhealthy = String(e);
  }
  ctx.destroyAll();

  const result: CnnPageResult = {
    options,
    adapter: ctx.adapter,
    trainSize: train.labels.length,
    testSize: test.labels.length,
    gpu: runs.gpu!,
    cpu: runs.cpu!,
    uncapturedErrors,
    unhealthy,
    buffersAfterDispose,
    ms: { load, total: performance.now() - t0 },
  };
  status.textContent =
    `held-out accuracy: GPU ${(100 * (result.gpu.test.accuracy ?? NaN)).toFixed(1)}%, ` +
    `CPU ${(100 * (result.cpu.test.accuracy ?? NaN)).toFixed(1)}% on ${test.labels.length} images`;
  document.getElementById('out')!.textContent = `${result.gpu.summary}\n\n${JSON.stringify({ ...result, gpu: { ...result.gpu, weights: '…', initial: '…' }, cpu: { ...result.cpu, weights: '…', initial: '…' } }, null, 2)}`;
  return result;
}

declare global {
  interface Window {
    runCnn: typeof runCnn;
  }
}
window.runCnn = runCnn;
document.getElementById('status')!.textContent = 'ready: call runCnn()';

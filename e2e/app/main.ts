// A separate application that uses the library the way a user would: by package name, resolved
// through package.json "exports" to the built dist/index.js (e2e/package.test.ts links
// node_modules/webgpu-train to the repository, builds this folder with Vite and serves the output).
// On load it trains a 2-8-1 tanh/sigmoid MLP on XOR (the four cases repeated 16 times, batches of 4,
// so an epoch is 16 steps in one GPU submit) and shows the result in #result (JSON) with #status
// data-state="done" (or "failed").
import { createContext, Sequential, VERSION } from 'webgpu-train';

export interface XorResult {
  version: string;
  adapter: string;
  /** Network outputs for (0,0), (0,1), (1,0), (1,1). */
  outputs: number[];
  /** Outputs thresholded at 0.5: XOR is [0, 1, 1, 0]. */
  predicted: number[];
  accuracy: number | undefined;
  firstLoss: number;
  finalLoss: number;
  uncapturedErrors: string[];
  healthy: boolean;
}

const XOR_X = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const XOR_Y = [0, 1, 1, 0];
const REPEATS = 16;
const X = Array.from({ length: REPEATS }, () => XOR_X).flat();
const Y = Array.from({ length: REPEATS }, () => XOR_Y.map((v) => [v])).flat();

async function trainXor(): Promise<XorResult> {
  const ctx = await createContext();
  const uncapturedErrors: string[] = [];
  ctx.device.addEventListener('uncapturederror', (event) => {
    uncapturedErrors.push((event as GPUUncapturedErrorEvent).error.message);
  });
  const model = await Sequential.create({
    inputSize: 2,
    layers: [
      { units: 8, activation: 'tanh' },
      { units: 1, activation: 'sigmoid' },
    ],
    loss: 'binaryCrossEntropy',
    init: 'xavier',
    seed: 1,
    backend: ctx,
  });
  const history = await model.fit(X, Y, { epochs: 20, batchSize: 4, optimizer: 'momentum', learningRate: 0.5, momentum: 0.9 });
  const outputs = Array.from(await model.predict(XOR_X));
  const { accuracy } = await model.evaluate(XOR_X, XOR_Y.map((v) => [v]));
  model.dispose();
  let healthy = true;
  try {
    ctx.assertHealthy();
  } catch {
    healthy = false;
  }
  return {
    version: VERSION,
    adapter: ctx.adapter.architecture || ctx.adapter.vendor,
    outputs,
    predicted: outputs.map((o) => (o >= 0.5 ? 1 : 0)),
    accuracy,
    firstLoss: history.loss[0],
    finalLoss: history.loss[history.loss.length - 1],
    uncapturedErrors,
    healthy,
  };
}

const status = document.getElementById('status')!;
const out = document.getElementById('result')!;
trainXor().then(
  (r) => {
    out.textContent = JSON.stringify(r);
    status.textContent = `XOR learned: ${r.predicted.join(' ')}`;
    status.dataset.state = 'done';
  },
  (e: unknown) => {
    out.textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    status.textContent = 'failed';
    status.dataset.state = 'failed';
  },
);

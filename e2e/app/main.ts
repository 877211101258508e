// A separate application that uses the library the way a user would: by package name, resolved
// through package.json "exports" to the built dist/index.js and dist/worker.js (e2e/package.test.ts
// unpacks the `npm pack` tarball as node_modules/webgpu-train, builds this folder with Vite and
// serves the output). On load it trains a 2-8-1 tanh/sigmoid MLP on XOR (the four cases repeated 16 times,
// batches of 4, so an epoch is 16 steps in one GPU submit) twice at once: on the page's thread, and
// in a module Worker (train-worker.ts: serveTraining()) through TrainingWorker, whose ONNX export is
// checked against a page-side model given the worker's weights. It shows both results in #result
// (JSON: AppResult) with #status data-state="done" (or "failed").
import { createContext, Sequential, VERSION } from 'webgpu-train';
import { TrainingWorker } from 'webgpu-train/worker';

/** What both runs report. */
export interface XorRun {
  /** The adapter trained on: architecture, or vendor when that is empty. */
  adapter: string;
  /** Network outputs for (0,0), (0,1), (1,0), (1,1). */
  outputs: number[];
  /** Outputs thresholded at 0.5: XOR is [0, 1, 1, 0]. */
  predicted: number[];
  accuracy: number | undefined;
  firstLoss: number;
  finalLoss: number;
  epochs: number;
  /** Milliseconds from the run's start: model ready (context, pipelines; in the worker also its script), fit done, run done. */
  ms: { ready: number; fit: number; total: number };
}

export interface XorResult extends XorRun {
  version: string;
  uncapturedErrors: string[];
  healthy: boolean;
}

export interface WorkerXorResult extends XorRun {
  /** Messages that arrived on the Worker object (TrainingWorker's answers and reports): only the worker's thread can post them. */
  messagesFromWorker: number;
  /** onProgress calls on the page, each from a progress message of the worker. */
  progressReports: number;
  /** trainer.toOnnx(): its length, and whether it equals toOnnx() of a page-side model (CPU) given the worker's weights. */
  onnxBytes: number;
  onnxMatchesPage: boolean;
  /** trainer.state after dispose(). The worker is left running, for the test to look inside. */
  stateAfterDispose: string;
}

export interface AppResult {
  main: XorResult;
  worker: WorkerXorResult;
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

const NET = {
  inputSize: 2,
  layers: [
    { units: 8, activation: 'tanh' },
    { units: 1, activation: 'sigmoid' },
  ],
  loss: 'binaryCrossEntropy',
  init: 'xavier',
  seed: 1,
} as const;
const FIT = { epochs: 20, batchSize: 4, optimizer: 'momentum', learningRate: 0.5, momentum: 0.9 } as const;

/** What both runs measure: the outputs, thresholded at 0.5, the losses and the times since t0. */
function xorRun(adapter: string, loss: number[], outputs: number[], accuracy: number | undefined, t0: number, ready: number, fit: number): XorRun {
  return {
    adapter,
    outputs,
    predicted: outputs.map((o) => (o >= 0.5 ? 1 : 0)),
    accuracy,
    firstLoss: loss[0],
    finalLoss: loss[loss.length - 1],
    epochs: loss.length,
    ms: { ready, fit, total: performance.now() - t0 },
  };
}

async function trainXor(): Promise<XorResult> {
  const t0 = performance.now();
  const ctx = await createContext();
  const uncapturedErrors: string[] = [];
  ctx.device.addEventListener('uncapturederror', (event) => {
    uncapturedErrors.push((event as GPUUncapturedErrorEvent).error.message);
  });
  const model = await Sequential.create({ ...NET, layers: [...NET.layers], backend: ctx });
  const ready = performance.now() - t0;
  const history = await model.fit(X, Y, FIT);
  const fit = performance.now() - t0;
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
    ...xorRun(ctx.adapter.architecture || ctx.adapter.vendor, history.loss, outputs, accuracy, t0, ready, fit),
    version: VERSION,
    uncapturedErrors,
    healthy,
  };
}

async function trainXorInWorker(): Promise<WorkerXorResult> {
  const t0 = performance.now();
  // Inline, as here: Vite bundles a worker only from `new Worker(new URL('…', import.meta.url), …)`
  // itself; a URL made first and passed in a variable is emitted as a data: URL of the .ts source.
  const worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
  let messagesFromWorker = 0;
  worker.addEventListener('message', () => void messagesFromWorker++);
  const trainer = await TrainingWorker.create(worker, { ...NET, layers: [...NET.layers] }, { backend: 'gpu' });
  const ready = performance.now() - t0;
  let progressReports = 0;
  const history = await trainer.fit(X, Y, { ...FIT, onProgress: () => void progressReports++ });
  const fit = performance.now() - t0;
  const outputs = Array.from(await trainer.predict(XOR_X));
  const { accuracy } = await trainer.evaluate(XOR_X, XOR_Y.map((v) => [v]));
  const onnx = await trainer.toOnnx();
  // ONNX bytes are a function of the config and the weights: a CPU model on the page, given the
  // worker's weights, must export the same bytes (this also loads the exporter's chunk on the page).
  const local = await Sequential.create({ ...NET, layers: [...NET.layers], backend: 'cpu' });
  await local.setWeights(await trainer.getWeights());
  const pageOnnx = await local.toOnnx();
  local.dispose();
  await trainer.dispose();
  const adapter = trainer.adapter ? trainer.adapter.architecture || trainer.adapter.vendor : 'none (no GPU in the worker)';
  return {
    ...xorRun(adapter, history.loss, outputs, accuracy, t0, ready, fit),
    messagesFromWorker,
    progressReports,
    onnxBytes: onnx.length,
    onnxMatchesPage: onnx.length === pageOnnx.length && onnx.every((b, i) => b === pageOnnx[i]),
    stateAfterDispose: trainer.state,
  };
}

const status = document.getElementById('status')!;
const out = document.getElementById('result')!;
const failure = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
// Both at once: the worker's setup (its script, context and pipelines) overlaps the page's fit.
Promise.allSettled([trainXor(), trainXorInWorker()]).then(([main, worker]) => {
  if (main.status === 'fulfilled' && worker.status === 'fulfilled') {
    const r: AppResult = { main: main.value, worker: worker.value };
    out.textContent = JSON.stringify(r);
    status.textContent = `XOR learned: ${r.main.predicted.join(' ')} (page), ${r.worker.predicted.join(' ')} (worker)`;
    status.dataset.state = 'done';
    return;
  }
  out.textContent = [main.status === 'rejected' ? `page: ${failure(main.reason)}` : '', worker.status === 'rejected' ? `worker: ${failure(worker.reason)}` : '']
    .filter(Boolean)
    .join('\n');
  status.textContent = 'failed';
  status.dataset.state = 'failed';
});

// Worker half of the worker page (e2e/pages/worker.ts starts it as a module Worker): trains a
// 64-32-10 tanh/softmax MLP on synthetic data with navigator.gpu inside the worker, one epoch per
// fit() call, so a 'stop' message ends the run after the current epoch. Everything goes back to the
// page as messages: 'progress' (from onProgress), 'epoch' (each epoch's mean loss), then 'done' with
// the losses, the adapter and a few predictions, or 'error'.
import { createContext, Sequential, type Progress } from '../../src/index';

export interface StartMessage {
  type: 'start';
  epochs: number;
  samples?: number;
  batchSize?: number;
  seed?: number;
}
export interface StopMessage {
  type: 'stop';
}
export type ToWorker = StartMessage | StopMessage;

export type FromWorker =
  | { type: 'ready'; hasGpu: boolean }
  /** The context and model are built (pipelines compiled); the epochs start now. */
  | { type: 'fitStart' }
  | { type: 'progress'; epoch: number; step: number; steps: number; loss: number }
  | { type: 'epoch'; epoch: number; loss: number }
  | {
      type: 'done';
      losses: number[];
      epochsRequested: number;
      stopped: boolean;
      adapter: { vendor: string; architecture: string; isFallbackAdapter: boolean };
      /** argmax of the model's output for the first samples, next to their labels. */
      predicted: number[];
      labels: number[];
      /** Training accuracy at the end. */
      accuracy: number | undefined;
      ms: { setup: number; fit: number };
    }
  | { type: 'error'; message: string };

const IN = 64;
const HIDDEN = 32;
const OUT = 10;

/** Deterministic synthetic classification: labels are the argmax of a fixed random projection. */
function makeData(samples: number, seed: number): { x: Float32Array; labels: Uint8Array } {
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296 - 0.5;
  };
  const proj = Float32Array.from({ length: OUT * IN }, rand);
  const x = Float32Array.from({ length: samples * IN }, () => 2 * rand());
  const labels = new Uint8Array(samples);
  for (let i = 0; i < samples; i++) {
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < OUT; c++) {
      let v = 0;
      for (let k = 0; k < IN; k++) v += proj[c * IN + k] * x[i * IN + k];
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    labels[i] = best;
  }
  return { x, labels };
}

const send = (m: FromWorker) => postMessage(m);
let stopRequested = false;
let running = false;

async function train(m: StartMessage): Promise<void> {
  const t0 = performance.now();
  const samples = m.samples ?? 1024;
  const { x, labels } = makeData(samples, m.seed ?? 7);
  const ctx = await createContext();
  const model = await Sequential.create({
    inputSize: IN,
    layers: [
      { units: HIDDEN, activation: 'tanh' },
      { units: OUT, activation: 'softmax' },
    ],
    seed: m.seed ?? 1,
    backend: ctx,
  });
  const t1 = performance.now();
  send({ type: 'fitStart' });
  const losses: number[] = [];
  for (let epoch = 0; epoch < m.epochs && !stopRequested; epoch++) {
    const h = await model.fit(x, labels, {
      epochs: 1,
      batchSize: m.batchSize ?? 64,
      optimizer: 'momentum',
      learningRate: 0.1,
      onProgress: (p: Progress) => send({ type: 'progress', epoch, step: p.step, steps: p.steps, loss: p.loss }),
    });
    losses.push(h.loss[0]);
    send({ type: 'epoch', epoch, loss: h.loss[0] });
  }
  const t2 = performance.now();
  const n = 8;
  const out = await model.predict(x.subarray(0, n * IN));
  const predicted: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(out.subarray(i * OUT, (i + 1) * OUT));
    predicted.push(row.indexOf(Math.max(...row)));
  }
  const { accuracy } = await model.evaluate(x, labels);
  model.dispose();
  ctx.destroy();
  send({
    type: 'done',
    losses,
    epochsRequested: m.epochs,
    stopped: stopRequested,
    adapter: ctx.adapter,
    predicted,
    labels: Array.from(labels.subarray(0, n)),
    accuracy,
    ms: { setup: t1 - t0, fit: t2 - t1 },
  });
}

addEventListener('message', (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.type === 'stop') {
    stopRequested = true;
  } else if (m.type === 'start' && !running) {
    running = true;
    stopRequested = false;
    train(m)
      .catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }))
      .finally(() => {
        running = false;
      });
  }
});
send({ type: 'ready', hasGpu: 'gpu' in navigator && !!navigator.gpu });

// Worker page: trains in a module Worker through 'webgpu-train/worker' (the worker's script,
// e2e/pages/worker_train.ts, is serveTraining(); this page drives it with TrainingWorker) while the
// main thread measures its own responsiveness: a 10 ms setInterval whose tick-to-tick gaps are
// recorded, and a PerformanceObserver for 'longtask' entries (main-thread tasks over 50 ms).
//   window.runWorker({ epochs, samples?, pauseAfterEpoch?, stopAfterEpoch? }) trains and resolves to a
//     WorkerPageResult. pauseAfterEpoch: onEpochEnd of that epoch calls pause(); once the state is
//     'paused' the page predicts (answered while paused), waits 100 ms and resumes. stopAfterEpoch:
//     stop() once that epoch's last progress report arrives (the worker is training the next one).
//   window.runBusyControl(busyMs) runs the same measure while the main thread spins for busyMs, to
//     show the measure does catch a blocked main thread.
import { TrainingWorker, type TrainingState } from '../../src/worker/index';

export interface Responsiveness {
  /** Ticks of the 10 ms interval during the measured window. */
  ticks: number;
  /** Longest and 99th-percentile gap between consecutive ticks (ms); the window's start counts as a tick. */
  maxGapMs: number;
  p99GapMs: number;
  meanGapMs: number;
  /** Durations of 'longtask' entries (ms) that started in the window; null if the entry type is unsupported. */
  longTasksMs: number[] | null;
  windowMs: number;
}

export interface WorkerDone {
  losses: number[];
  epochsRequested: number;
  /** history.stoppedEarly */
  stopped: boolean;
  adapter: { vendor: string; architecture: string; isFallbackAdapter: boolean };
  /** argmax of the model's output for the first samples, next to their labels. */
  predicted: number[];
  labels: number[];
  /** Training accuracy at the end. */
  accuracy: number | undefined;
  ms: { setup: number; fit: number };
}

export interface PauseSeen {
  /** The epoch whose onEpochEnd called pause(), and the state seen then. */
  epoch: number;
  stateAtCall: TrainingState;
  /** Progress reports that arrived in the 100 ms the page waited while paused (0: nothing trained). */
  progressWhilePaused: number;
  /** argmax of predict() answered while paused, for the first samples. */
  predicted: number[];
}

export interface WorkerPageResult {
  done: WorkerDone | null;
  error: string | null;
  hasGpuInWorker: boolean;
  progressMessages: number;
  /** Epochs whose last progress report (epochDone) arrived. */
  epochsReported: number;
  /** onEpochEnd calls on the page (counted when the run passes pauseAfterEpoch or epochEnd: true). */
  epochEnds: number;
  /** Epoch after which stop() was called, if any. */
  stopPostedAfterEpoch: number | null;
  pause: PauseSeen | null;
  /** From starting the worker to the end: its script loading, context + pipelines, the epochs, predict. */
  responsiveness: Responsiveness;
  /** From the start of fit to the end: the epochs (and the final predict/evaluate) only. */
  fitResponsiveness: Responsiveness;
}

const longTaskSupported = PerformanceObserver.supportedEntryTypes?.includes('longtask') ?? false;

/** Starts the interval and the long-task observer; stop() returns what they saw. */
function startMeasure(intervalMs = 10): { stop(): Responsiveness } {
  const t0 = performance.now();
  const ticks: number[] = [t0];
  const id = setInterval(() => ticks.push(performance.now()), intervalMs);
  const longTasks: PerformanceEntry[] = [];
  let observer: PerformanceObserver | null = null;
  if (longTaskSupported) {
    observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
    observer.observe({ type: 'longtask' });
  }
  return {
    stop() {
      const t1 = performance.now();
      clearInterval(id);
      ticks.push(t1);
      if (observer) {
        longTasks.push(...observer.takeRecords());
        observer.disconnect();
      }
      const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
      const sorted = [...gaps].sort((a, b) => a - b);
      return {
        ticks: ticks.length - 2,
        maxGapMs: sorted[sorted.length - 1] ?? 0,
        p99GapMs: sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))] ?? 0,
        meanGapMs: gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length),
        longTasksMs: observer ? longTasks.filter((e) => e.startTime >= t0).map((e) => e.duration) : null,
        windowMs: t1 - t0,
      };
    },
  };
}

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

/** argmax of each of the first `n` rows of a [rows, OUT] output. */
function argmaxRows(out: Float32Array, n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const row = Array.from(out.subarray(i * OUT, (i + 1) * OUT));
    return row.indexOf(Math.max(...row));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const status = () => document.getElementById('status')!;

async function runWorker(opts: { epochs: number; samples?: number; batchSize?: number; pauseAfterEpoch?: number; stopAfterEpoch?: number; epochEnd?: boolean }): Promise<WorkerPageResult> {
  const samples = opts.samples ?? 1024;
  const { x, labels } = makeData(samples, 7);
  let progressMessages = 0;
  let epochsReported = 0;
  let epochEnds = 0;
  let stopPostedAfterEpoch: number | null = null;
  let pause: PauseSeen | null = null;
  let pausing: Promise<void> = Promise.resolve();
  const measure = startMeasure();
  let fitMeasure: { stop(): Responsiveness } | null = null;
  const worker = new Worker(new URL('./worker_train.ts', import.meta.url), { type: 'module' });
  let trainer: TrainingWorker | null = null;
  let done: WorkerDone | null = null;
  let error: string | null = null;
  try {
    const t0 = performance.now();
    trainer = await TrainingWorker.create(worker, { inputSize: IN, layers: [{ units: HIDDEN, activation: 'tanh' }, { units: OUT, activation: 'softmax' }], seed: 1 }, { backend: 'gpu' });
    const t = trainer;
    const t1 = performance.now();
    fitMeasure = startMeasure();
    /** Once paused: predict (answered at the boundary), 100 ms without training, resume. */
    const whilePaused = async (epoch: number, stateAtCall: TrainingState) => {
      while (t.state === 'training') await sleep(5);
      const before = progressMessages;
      const predicted = argmaxRows(await t.predict(x.subarray(0, 8 * IN)), 8);
      await sleep(100);
      pause = { epoch, stateAtCall, progressWhilePaused: progressMessages - before, predicted };
      t.resume();
    };
    const history = await t.fit(x, labels, {
      epochs: opts.epochs,
      batchSize: opts.batchSize ?? 64,
      optimizer: 'momentum',
      learningRate: 0.1,
      onProgress: (p) => {
        progressMessages++;
        status().textContent = `epoch ${p.epoch}, step ${p.step}/${p.steps}, loss ${p.loss.toFixed(4)}`;
        if (!p.epochDone) return;
        epochsReported++;
        if (opts.stopAfterEpoch !== undefined && p.epoch >= opts.stopAfterEpoch && stopPostedAfterEpoch === null) {
          stopPostedAfterEpoch = p.epoch;
          t.stop();
        }
      },
      onEpochEnd:
        opts.epochEnd || opts.pauseAfterEpoch !== undefined
          ? (e) => {
              epochEnds++;
              if (e.epoch === opts.pauseAfterEpoch) {
                t.pause();
                pausing = whilePaused(e.epoch, t.state);
              }
            }
          : undefined,
    });
    await pausing;
    const t2 = performance.now();
    const predicted = argmaxRows(await t.predict(x.subarray(0, 8 * IN)), 8);
    const { accuracy } = await t.evaluate(x, labels);
    done = {
      losses: history.loss,
      epochsRequested: opts.epochs,
      stopped: history.stoppedEarly,
      adapter: t.adapter!,
      predicted,
      labels: Array.from(labels.subarray(0, 8)),
      accuracy,
      ms: { setup: t1 - t0, fit: t2 - t1 },
    };
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  const fitResponsiveness = (fitMeasure ?? startMeasure()).stop();
  const responsiveness = measure.stop();
  if (trainer) trainer.terminate();
  else worker.terminate();
  const result: WorkerPageResult = {
    done,
    error,
    hasGpuInWorker: trainer?.adapter != null,
    progressMessages,
    epochsReported,
    epochEnds,
    stopPostedAfterEpoch,
    pause,
    responsiveness,
    fitResponsiveness,
  };
  document.getElementById('out')!.textContent = JSON.stringify(result, null, 2);
  status().textContent = error ? `failed: ${error}` : 'done';
  return result;
}

/** The same measure over ~busyMs + 300 ms, with the main thread spinning for busyMs in the middle. */
async function runBusyControl(busyMs = 300): Promise<Responsiveness> {
  const measure = startMeasure();
  await sleep(150);
  const end = performance.now() + busyMs;
  while (performance.now() < end) {
    // spin: the main thread is blocked
  }
  await sleep(150);
  return measure.stop();
}

declare global {
  interface Window {
    runWorker: typeof runWorker;
    runBusyControl: typeof runBusyControl;
  }
}
window.runWorker = runWorker;
window.runBusyControl = runBusyControl;

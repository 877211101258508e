// Worker page: trains in a module Worker (e2e/pages/worker_train.ts) while the main thread measures
// its own responsiveness: a 10 ms setInterval whose tick-to-tick gaps are recorded, and a
// PerformanceObserver for 'longtask' entries (main-thread tasks over 50 ms).
//   window.runWorker({ epochs, stopAfterEpoch? }) trains and resolves to a WorkerPageResult; with
//     stopAfterEpoch the page posts 'stop' once that epoch's 'epoch' message arrives.
//   window.runBusyControl(busyMs) runs the same measure while the main thread spins for busyMs, to
//     show the measure does catch a blocked main thread.
import type { FromWorker, StartMessage } from './worker_train';

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

export interface WorkerPageResult {
  done: Extract<FromWorker, { type: 'done' }> | null;
  error: string | null;
  hasGpuInWorker: boolean;
  progressMessages: number;
  epochMessages: number;
  /** Epoch after which 'stop' was posted, if any. */
  stopPostedAfterEpoch: number | null;
  /** From posting 'start' to 'done': context creation, pipeline compilation, the epochs, predict. */
  responsiveness: Responsiveness;
  /** From 'fitStart' to 'done': the epochs (and the final predict/evaluate) only. */
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

const status = () => document.getElementById('status')!;

async function runWorker(opts: { epochs: number; samples?: number; batchSize?: number; stopAfterEpoch?: number }): Promise<WorkerPageResult> {
  const worker = new Worker(new URL('./worker_train.ts', import.meta.url), { type: 'module' });
  let progressMessages = 0;
  let epochMessages = 0;
  let stopPostedAfterEpoch: number | null = null;
  let hasGpuInWorker = false;
  let measure: { stop(): Responsiveness } | null = null;
  let fitMeasure: { stop(): Responsiveness } | null = null;
  const outcome = await new Promise<{ done: WorkerPageResult['done']; error: string | null }>((resolve) => {
    worker.onerror = (e) => resolve({ done: null, error: `worker error: ${e.message}` });
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      switch (m.type) {
        case 'ready': {
          hasGpuInWorker = m.hasGpu;
          const start: StartMessage = { type: 'start', epochs: opts.epochs, samples: opts.samples, batchSize: opts.batchSize };
          measure = startMeasure();
          worker.postMessage(start);
          break;
        }
        case 'fitStart':
          fitMeasure = startMeasure();
          break;
        case 'progress':
          progressMessages++;
          status().textContent = `epoch ${m.epoch + 1}, step ${m.step}/${m.steps}, loss ${m.loss.toFixed(4)}`;
          break;
        case 'epoch':
          epochMessages++;
          if (opts.stopAfterEpoch !== undefined && m.epoch >= opts.stopAfterEpoch && stopPostedAfterEpoch === null) {
            stopPostedAfterEpoch = m.epoch;
            worker.postMessage({ type: 'stop' });
          }
          break;
        case 'done':
          resolve({ done: m, error: null });
          break;
        case 'error':
          resolve({ done: null, error: m.message });
          break;
      }
    };
  });
  const stopOrEmpty = (m: { stop(): Responsiveness } | null) => (m ?? startMeasure()).stop();
  const fitResponsiveness = stopOrEmpty(fitMeasure);
  const responsiveness = stopOrEmpty(measure);
  worker.terminate();
  const result: WorkerPageResult = { ...outcome, hasGpuInWorker, progressMessages, epochMessages, stopPostedAfterEpoch, responsiveness, fitResponsiveness };
  document.getElementById('out')!.textContent = JSON.stringify(result, null, 2);
  status().textContent = outcome.error ? `failed: ${outcome.error}` : 'done';
  return result;
}

/** The same measure over ~busyMs + 300 ms, with the main thread spinning for busyMs in the middle. */
async function runBusyControl(busyMs = 300): Promise<Responsiveness> {
  const measure = startMeasure();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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

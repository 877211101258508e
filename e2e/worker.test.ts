// Training in a module Worker with 'webgpu-train/worker' (README "In a Worker"): the worker's script
// (e2e/pages/worker_train.ts) is serveTraining(); the page (e2e/pages/worker.ts) drives a 64-32-10 MLP
// there with TrainingWorker on navigator.gpu (progress and epoch ends as callbacks, a pause with a
// predict answered while paused, stop()), and measures its own main thread meanwhile (gaps between
// the ticks of a 10 ms setInterval, and 'longtask' entries).
//
// The bound. Measured on the development machine (2 cores shared by SwiftShader's threads, the
// worker, the page and other developers' jobs; headless Chromium), five runs of this file:
//   setup in the worker (script, context + pipelines) 3.8-7.3 s; fit of 10 epochs x 4096 samples with
//   a pause of about 0.1 s after epoch 5: 1.6-2.0 s;
//   longest gap between 10 ms ticks over the whole run (from new Worker() to the end of the final
//   predict and evaluate): 17.6-71.3 ms (p99 13.5-28 ms, mean 10.0-10.3 ms); during fit alone:
//   14.9-28.8 ms; in the stop() run: 20.1-43.4 ms; long tasks (> 50 ms) on the main thread: none.
//   (With the hand-written worker this replaced: 26.8-57 ms whole run, 14.7-22.2 ms during fit, and
//   once 138 ms in the stop run.) A fifth run, with the machine's load average at 6.6 (other
//   developers' browsers and test runs), saw 84.7 ms, and 203.5 ms with an 82 ms long task in the
//   stop run: the measure counts the main thread's waits for a CPU too.
// The test asserts a longest gap under 150 ms (about 2x the worst gap of the runs on a machine not
// overloaded) and no long task over 100 ms. The control shows the measure can fail: a 300 ms busy
// loop on the main thread shows up as a 301-304 ms gap and one 300 ms long task (asserted: gap >
// 290 ms, long task >= 250 ms).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E, type E2EPage } from './browser';
import type { Responsiveness, WorkerPageResult } from './pages/worker';

const MAX_GAP_MS = 150;
const MAX_LONG_TASK_MS = 100;

function summary(r: Responsiveness): string {
  const lt = r.longTasksMs === null ? 'unsupported' : `[${r.longTasksMs.map((d) => d.toFixed(0)).join(', ')}]`;
  return `${r.ticks} ticks in ${r.windowMs.toFixed(0)} ms, gap max ${r.maxGapMs.toFixed(1)} / p99 ${r.p99GapMs.toFixed(1)} / mean ${r.meanGapMs.toFixed(1)} ms, long tasks ${lt}`;
}

function expectResponsive(r: Responsiveness): void {
  expect(r.ticks, 'the 10 ms interval hardly ran').toBeGreaterThan(r.windowMs / 20);
  expect(r.maxGapMs).toBeLessThan(MAX_GAP_MS);
  expect(r.longTasksMs, 'PerformanceObserver lacks longtask').not.toBeNull();
  for (const d of r.longTasksMs!) expect(d).toBeLessThan(MAX_LONG_TASK_MS);
}

describe('training in a module Worker (headless Chromium)', () => {
  let e2e: E2E;
  let p: E2EPage;
  beforeAll(async () => {
    e2e = await startE2E();
    p = await e2e.open('/e2e/pages/worker.html');
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('trains in the worker through TrainingWorker, with progress, epoch ends, a pause and results as messages, and the main thread stays responsive', async () => {
    const r = await p.call<WorkerPageResult>('runWorker', { epochs: 10, samples: 4096, pauseAfterEpoch: 5 });
    expect(r.error).toBeNull();
    const done = r.done!;
    console.log(`adapter ${JSON.stringify(done.adapter)}; setup ${done.ms.setup.toFixed(0)} ms, fit ${done.ms.fit.toFixed(0)} ms`);
    console.log(`losses ${done.losses.map((l) => l.toFixed(3)).join(' ')}; accuracy ${done.accuracy}; pause ${JSON.stringify(r.pause)}`);
    console.log(`whole run: ${summary(r.responsiveness)}`);
    console.log(`fit only:  ${summary(r.fitResponsiveness)}`);
    expect(r.hasGpuInWorker, 'no GPU adapter in the worker').toBe(true);
    expect(done.adapter.vendor).not.toBe('');
    expect(done.stopped).toBe(false);
    expect(done.losses).toHaveLength(10);
    expect(done.losses[9]).toBeLessThan(done.losses[0]);
    expect(done.losses[9]).toBeLessThan(0.5 * done.losses[0]);
    expect(r.epochsReported).toBe(10);
    expect(r.epochEnds).toBe(10);
    expect(r.progressMessages).toBeGreaterThanOrEqual(10); // at least one per epoch
    // Paused after epoch 5: predict answered there, nothing trained for the 100 ms the page waited.
    expect(r.pause).not.toBeNull();
    expect(r.pause!.epoch).toBe(5);
    expect(r.pause!.stateAtCall).toBe('training');
    expect(r.pause!.progressWhilePaused).toBe(0);
    expect(r.pause!.predicted).toHaveLength(8);
    // Predictions came back too, and the model learned its training set.
    expect(done.predicted).toHaveLength(8);
    expect(done.accuracy).toBeGreaterThan(0.8);
    const agree = done.predicted.filter((c, i) => c === done.labels[i]).length;
    expect(agree).toBeGreaterThanOrEqual(6);

    expectResponsive(r.responsiveness);
    expectResponsive(r.fitResponsiveness);
    expect(p.errors()).toEqual([]);
  });

  it('stop() ends fit after the running epoch (history.stoppedEarly)', async () => {
    const r = await p.call<WorkerPageResult>('runWorker', { epochs: 10, samples: 4096, stopAfterEpoch: 2 });
    expect(r.error).toBeNull();
    const done = r.done!;
    console.log(`stop() at epoch 2's last report: ${done.losses.length} epochs ran; whole run: ${summary(r.responsiveness)}`);
    expect(r.stopPostedAfterEpoch).toBe(2);
    expect(done.stopped).toBe(true);
    // stop() is called when epoch 2's last report arrives; the worker sees it during epoch 3 or at its boundary.
    expect(done.losses.length).toBeGreaterThanOrEqual(2);
    expect(done.losses.length).toBeLessThanOrEqual(4);
    expect(done.losses.length).toBeLessThan(done.epochsRequested);
    expect(r.epochsReported).toBe(done.losses.length);
    expectResponsive(r.responsiveness);
    expect(p.errors()).toEqual([]);
  });

  it('control: the measure catches a 300 ms busy loop on the main thread', async () => {
    const c = await p.call<Responsiveness>('runBusyControl', 300);
    console.log(`busy control: ${summary(c)}`);
    expect(c.maxGapMs).toBeGreaterThan(290);
    expect(c.maxGapMs).toBeGreaterThanOrEqual(MAX_GAP_MS);
    expect(c.longTasksMs).not.toBeNull();
    expect(Math.max(0, ...c.longTasksMs!)).toBeGreaterThanOrEqual(250);
    expect(p.errors()).toEqual([]);
  });
});

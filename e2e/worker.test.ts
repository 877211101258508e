// Training in a module Worker (README "In a Worker"): e2e/pages/worker_train.ts trains a 64-32-10 MLP
// with navigator.gpu inside a dedicated worker, reporting progress, epoch losses and results as
// messages and stopping after the current epoch on a 'stop' message; e2e/pages/worker.ts measures the
// page's main thread meanwhile (gaps between the ticks of a 10 ms setInterval, and 'longtask' entries).
//
// The bound. Measured on the development machine (2 cores shared by SwiftShader's threads, the
// worker and the page; headless Chromium), five runs of the page (the first with 1024 samples):
//   setup in the worker (context + pipelines) 4.1-5.2 s; fit of 10 epochs x 4096 samples 1.6-1.7 s;
//   longest gap between 10 ms ticks over the whole run (setup + fit + predict): 26.8-57 ms
//   (p99 15-18 ms, mean 10.0-10.1 ms); during the epochs alone: 14.7-17.2 ms;
//   long tasks (> 50 ms) on the main thread: none in any run.
// The test asserts a longest gap under 150 ms (about 2.6x the worst gap seen) and no long task over
// 100 ms. The control shows the measure can fail: a 300 ms busy loop on the main thread shows up as a
// 302 ms gap and one 300 ms long task (asserted: gap > 290 ms, long task >= 250 ms).
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

  it('trains in the worker, with progress and results as messages, and the main thread stays responsive', async () => {
    const r = await p.call<WorkerPageResult>('runWorker', { epochs: 10, samples: 4096 });
    expect(r.error).toBeNull();
    const done = r.done!;
    console.log(`adapter ${JSON.stringify(done.adapter)}; setup ${done.ms.setup.toFixed(0)} ms, fit ${done.ms.fit.toFixed(0)} ms`);
    console.log(`losses ${done.losses.map((l) => l.toFixed(3)).join(' ')}; accuracy ${done.accuracy}`);
    console.log(`whole run: ${summary(r.responsiveness)}`);
    console.log(`fit only:  ${summary(r.fitResponsiveness)}`);
    expect(r.hasGpuInWorker, 'navigator.gpu missing in the worker').toBe(true);
    expect(done.adapter.vendor).not.toBe('');
    expect(done.stopped).toBe(false);
    expect(done.losses).toHaveLength(10);
    expect(done.losses[9]).toBeLessThan(done.losses[0]);
    expect(done.losses[9]).toBeLessThan(0.5 * done.losses[0]);
    expect(r.epochMessages).toBe(10);
    expect(r.progressMessages).toBeGreaterThanOrEqual(10); // at least one per epoch
    // Predictions came back too, and the model learned its training set.
    expect(done.predicted).toHaveLength(8);
    expect(done.accuracy).toBeGreaterThan(0.8);
    const agree = done.predicted.filter((c, i) => c === done.labels[i]).length;
    expect(agree).toBeGreaterThanOrEqual(6);

    expectResponsive(r.responsiveness);
    expectResponsive(r.fitResponsiveness);
    expect(p.errors()).toEqual([]);
  });

  it("stops after the current epoch on a 'stop' message", async () => {
    const r = await p.call<WorkerPageResult>('runWorker', { epochs: 10, samples: 4096, stopAfterEpoch: 1 });
    expect(r.error).toBeNull();
    const done = r.done!;
    console.log(`stop after epoch 1 (index): ${done.losses.length} epochs ran; whole run: ${summary(r.responsiveness)}`);
    expect(r.stopPostedAfterEpoch).toBe(1);
    expect(done.stopped).toBe(true);
    // 'stop' is posted when epoch 1's message arrives; the worker sees it before or during epoch 2.
    expect(done.losses.length).toBeGreaterThanOrEqual(2);
    expect(done.losses.length).toBeLessThanOrEqual(4);
    expect(done.losses.length).toBeLessThan(done.epochsRequested);
    expect(r.epochMessages).toBe(done.losses.length);
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

// Training in the browser: a 784-64-10 MLP on 3,000 MNIST digits (the `mnist` package, fetched by
// the page through the dev server and split by src/io/mnist.ts) reaches ≥ 90% accuracy on 1,000
// held-out digits, on Chromium's WebGPU, without a WebGPU or console error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './browser';
import type { MnistPageResult } from './pages/mnist';

describe('MNIST training in Chromium', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('reaches ≥ 90% held-out accuracy on a 3,000 / 1,000 split', async () => {
    const p = await e2e.open('/e2e/pages/mnist.html');
    const r = await p.call<MnistPageResult>('runMnist', {
      trainSize: 3000,
      testSize: 1000,
      epochs: 3,
      batchSize: 64,
      learningRate: 0.1,
      momentum: 0.9,
    });
    console.log(
      `MNIST: test ${(100 * r.test.accuracy!).toFixed(1)}% (loss ${r.test.loss.toFixed(3)}), train ${(100 * r.train.accuracy!).toFixed(1)}%, ` +
        `epoch losses ${r.epochLoss.map((l) => l.toFixed(3)).join(' ')}; load ${r.ms.load.toFixed(0)} ms, fit ${r.ms.fit.toFixed(0)} ms, evaluate ${r.ms.evaluate.toFixed(0)} ms`,
    );
    expect(r.trainSize).toBe(3000);
    expect(r.testSize).toBe(1000);
    // Every digit is in both sets (a split that dropped a class would make the score meaningless).
    for (const counts of [r.trainPerDigit, r.testPerDigit]) {
      expect(counts).toHaveLength(10);
      counts.forEach((n) => expect(n).toBeGreaterThan(0));
    }
    expect(r.epochLoss).toHaveLength(3);
    r.epochLoss.forEach((l) => expect(Number.isFinite(l)).toBe(true));
    expect(r.epochLoss[2]).toBeLessThan(r.epochLoss[0]);
    expect(r.progressCalls).toBeGreaterThanOrEqual(3);
    expect(r.test.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.buffersAfterDispose).toBe(0);
    expect(r.uncapturedErrors).toEqual([]);
    expect(r.unhealthy).toBeNull();
    expect(await p.page.locator('#status').textContent()).toContain('held-out accuracy');
    expect(p.errors()).toEqual([]);
  });
});

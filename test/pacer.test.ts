// Paced waits (src/train/pacer.ts): the prediction of when submitted steps finish, on a fake clock,
// and training with paced and unpaced waits giving bit-identical results on the GPU.
import { create } from 'webgpu';
import { describe, expect, it } from 'vitest';
import { createContext, Sequential } from '../src/index';
import { isSoftwareAdapter } from '../src/gpu/context';
import { SubmitPacer, type PacerClock, type SubmitTicket } from '../src/train/pacer';
import { randomArray } from './helpers/gpu';

/** A clock that only moves when told; sleeps advance it and are recorded. */
function fakeClock(): PacerClock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

/**
 * Runs `chunks` submits of `steps` like trainEpoch: up to 3 in flight, the oldest collected before
 * the next is submitted. The fake GPU runs submits in order, each msPerStep · steps long.
 */
async function run(pacer: SubmitPacer, clock: ReturnType<typeof fakeClock>, msPerStep: number, chunks: number, steps = 16): Promise<void> {
  const inFlight: { ticket: SubmitTicket; done: number }[] = [];
  let gpuFree = clock.t;
  const collect = async () => {
    const c = inFlight.shift()!;
    await pacer.beforeWait(c.ticket);
    clock.t = Math.max(clock.t, c.done); // the map resolves when the GPU is done (or at once)
    pacer.finished(c.ticket);
  };
  for (let i = 0; i < chunks; i++) {
    if (inFlight.length >= 3) await collect();
    const ticket = pacer.submitted(steps);
    gpuFree = Math.max(gpuFree, clock.t) + steps * msPerStep;
    inFlight.push({ ticket, done: gpuFree });
  }
  while (inFlight.length) await collect();
}

describe('SubmitPacer', () => {
  it('unpaced: never sleeps', async () => {
    const clock = fakeClock();
    const pacer = new SubmitPacer(false, clock);
    await run(pacer, clock, 5, 6);
    expect(clock.sleeps).toEqual([]);
    expect(pacer.estimate).toBeCloseTo(5, 9);
  });

  it('paced: the first submit is not delayed, later ones sleep 80% of the measured time', async () => {
    const clock = fakeClock();
    const pacer = new SubmitPacer(true, clock);
    await run(pacer, clock, 5, 4);
    // Chunk 0 measures 80 ms; chunk 1 started when chunk 0 finished, so it sleeps 0.8 · 80 ms.
    expect(clock.sleeps[0]).toBeCloseTo(64, 9);
    expect(clock.sleeps).toHaveLength(3);
    clock.sleeps.forEach((ms) => expect(ms).toBeCloseTo(64, 9));
    expect(clock.t).toBe(4 * 80); // no submit finished later than the GPU did
  });

  it('an estimate that is too long shrinks by a quarter a submit until the wait wakes early again', async () => {
    const clock = fakeClock();
    const pacer = new SubmitPacer(true, clock);
    await run(pacer, clock, 10, 1); // a slow first measurement: 10 ms per step
    expect(pacer.estimate).toBe(10);
    clock.t = 1000;
    await run(pacer, clock, 2, 1); // the GPU is now 5× faster: woken late, the measurement is scaled
    expect(pacer.estimate).toBeCloseTo(0.5 * 10 + 0.5 * 0.6 * 8, 9); // 0.74 of the estimate
    await run(pacer, clock, 2, 19);
    // 0.74ⁿ · 10 < 2.5 takes n = 5 submits; submits that finished while it overslept then
    // measure short (they started before it saw the one before them end), so it undershoots
    // briefly, polls, and measures 2 from then on.
    expect(pacer.estimate).toBeCloseTo(2, 2);
    clock.sleeps.slice(-3).forEach((ms) => expect(ms).toBeLessThan(32));
  });

  it('a GPU that slows down is followed at once (the wait polls until it is done)', async () => {
    const clock = fakeClock();
    const pacer = new SubmitPacer(true, clock);
    await run(pacer, clock, 2, 3);
    const t0 = clock.t;
    await run(pacer, clock, 6, 4);
    expect(clock.t - t0).toBe(4 * 16 * 6); // never later than the GPU
    expect(pacer.estimate).toBeGreaterThan(5);
  });
});

describe('paced waits in training', () => {
  it('paced and unpaced training give bit-identical weights and losses', async () => {
    const gpu = create([]);
    const rows = 160;
    const x = randomArray(5, rows * 20, -1, 1);
    const labels = Uint8Array.from({ length: rows }, (_, i) => i % 4);
    const results = [];
    for (const pacedWaits of [true, false]) {
      const ctx = await createContext({ gpu, pacedWaits });
      expect(ctx.pacedWaits).toBe(pacedWaits);
      const model = await Sequential.create({ inputSize: 20, layers: [{ units: 24, activation: 'relu' }, { units: 4, activation: 'softmax' }], seed: 2, backend: ctx });
      // Batch 4: 40 steps per epoch, three submits of 16, the ring full; three epochs warm the pacer.
      const history = await model.fit(x, labels, { epochs: 3, batchSize: 4, optimizer: 'momentum', learningRate: 0.02 });
      results.push({ loss: history.loss, weights: await model.getWeights() });
      model.dispose();
      ctx.assertHealthy();
    }
    expect(results[0].loss).toEqual(results[1].loss);
    expect(results[0].weights).toEqual(results[1].weights);
  });

  it('is on by default in Node on a software adapter, off on a GPU', async () => {
    const ctx = await createContext({ gpu: create([]) });
    expect(ctx.pacedWaits).toBe(isSoftwareAdapter(ctx.adapter));
  });
});

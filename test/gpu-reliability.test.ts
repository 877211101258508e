// No silent data loss on the GPU backend: read-backs are checked, buffers stay bounded whatever the
// batch sizes and row counts, and a failed create leaves nothing behind.
import { create } from 'webgpu';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext, DeviceLostError, DisposedError, GPUValidationError, Sequential, type ModelOptions } from '../src/index';
import { BufferUsage } from '../src/gpu/flags';
import { MAX_PLANS } from '../src/train/gpu_engine';
import { randomArray, testContext } from './helpers/gpu';

afterAll(async () => {
  (await testContext()).assertHealthy();
});

const options: Omit<ModelOptions, 'backend'> = {
  inputSize: 4,
  layers: [{ units: 8, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
  init: 'xavier',
  seed: 5,
};
const rows = 400;
const x = randomArray(31, rows * 4, -1, 1);
const labels = Uint8Array.from({ length: rows }, (_, i) => (x[i * 4] > 0 ? 1 : 0) + (x[i * 4 + 1] > 0.5 ? 1 : 0));

/** A buffer of the model destroyed behind the context's back (as a driver bug or stray code might). */
function destroyParamsBuffer(model: Sequential): void {
  const engine = (model as unknown as { engine: { params: GPUBuffer } }).engine;
  engine.params.destroy();
}

function expectClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  expected.forEach((e, i) => (worst = Math.max(worst, Math.abs(actual[i] - e) / Math.max(1, Math.abs(e)))));
  expect(worst).toBeLessThan(tolerance);
}

describe('read-backs are checked', () => {
  it('reading a destroyed buffer rejects with GPUValidationError instead of returning zeros', async () => {
    const ctx = await testContext();
    const buffer = ctx.createStorage('probe', new Float32Array([1, 2, 3, 4]), BufferUsage.COPY_SRC);
    expect(Array.from(await ctx.read(buffer, 0, 16))).toEqual([1, 2, 3, 4]);
    buffer.destroy();
    await expect(ctx.read(buffer, 0, 16)).rejects.toThrow(GPUValidationError);
    ctx.destroyBuffer(buffer);
    ctx.assertHealthy(); // the error was caught by the read's scope, not left for an unrelated call
  });

  it('weights, checkpoints, predictions, losses and gradients reject when the GPU refused the work', async () => {
    const ctx = await testContext();
    const model = await Sequential.create({ ...options, backend: ctx });
    destroyParamsBuffer(model);
    await expect(model.getWeights()).rejects.toThrow(GPUValidationError);
    await expect(model.save()).rejects.toThrow(GPUValidationError);
    await expect(model.predict(x)).rejects.toThrow(GPUValidationError);
    await expect(model.evaluate(x, labels)).rejects.toThrow(GPUValidationError);
    await expect(model.gradients(x.subarray(0, 40 * 4), labels.subarray(0, 40))).rejects.toThrow(GPUValidationError);
    await expect(model.fit(x, labels, { epochs: 1, checkpointEvery: 0 })).rejects.toThrow(GPUValidationError);
    ctx.assertHealthy();
    model.dispose();
  });

  it('a training submit refused mid-epoch stops fit before its stale losses are reported', async () => {
    const ctx = await testContext();
    const model = await Sequential.create({ ...options, backend: ctx });
    // Batch 4: 100 steps in 7 submits of 16. Destroyed at the 4th report, when submits 5 and 6 are
    // queued already (they still run); the 7th is refused.
    const reported: number[] = [];
    const training = model.fit(x, labels, {
      batchSize: 4,
      epochs: 1,
      shuffle: false,
      checkpointEvery: 0,
      onProgress: (p) => {
        reported.push(p.step);
        if (p.step === 64) destroyParamsBuffer(model);
      },
    });
    await expect(training).rejects.toThrow(GPUValidationError);
    expect(reported).toEqual([16, 32, 48, 64, 80, 96]); // never 100: those losses were not computed
    ctx.assertHealthy();
    model.dispose();
  });

});

describe('buffers stay bounded', () => {
  it(`400 row counts and 20 batch sizes keep at most ${MAX_PLANS} plans; results match the CPU backend`, async () => {
    const ctx = await testContext();
    const baseline = ctx.stats().buffers;
    const gpu = await Sequential.create({ ...options, backend: ctx });
    const cpu = await Sequential.create({ ...options, backend: 'cpu' });
    const compare = async (n: number) => {
      const [g, c] = await Promise.all([gpu.gradients(x.subarray(0, n * 4), labels.subarray(0, n)), cpu.gradients(x.subarray(0, n * 4), labels.subarray(0, n))]);
      expectClose(g.output, c.output);
      g.layers.forEach((layer, t) => expectClose(layer!.weight, c.layers[t]!.weight, 1e-3));
      expect(Math.abs(g.loss! - c.loss!)).toBeLessThan(1e-4);
    };
    await compare(rows); // the largest batch first: the activations are sized once
    const first = gpu.stats().buffers;
    // Every plan of this 2-layer model holds at most 8 uniforms (one per dispatch).
    const bound = first + MAX_PLANS * 8;
    for (let n = rows - 1; n >= 1; n--) {
      if (n % 100 === 0) await compare(n);
      else await gpu.gradients(x.subarray(0, n * 4), labels.subarray(0, n));
    }
    const afterGradients = gpu.stats().buffers;
    // Before plans were bounded: 24 → 3,216 buffers.
    expect(afterGradients).toBeLessThanOrEqual(bound);
    expect(ctx.stats().buffers - baseline).toBe(afterGradients); // nothing else left on the context
    await compare(rows); // an evicted row count is rebuilt and still right

    // Training with 20 batch sizes (each a full-batch plan and a tail plan), shuffle off so that
    // both backends see the same batches.
    const data = x.subarray(0, 40 * 4);
    const y = labels.subarray(0, 40);
    for (let batchSize = 40; batchSize > 20; batchSize--) {
      const fit = { batchSize, epochs: 1, shuffle: false, learningRate: 0.1, checkpointEvery: 0 };
      await Promise.all([gpu.fit(data, y, fit), cpu.fit(data, y, fit)]);
      expect(gpu.stats().buffers).toBeLessThanOrEqual(bound + 8);
    }
    const [gw, cw] = [await gpu.getWeights(), await cpu.getWeights()];
    gw.forEach((layer, t) => expectClose(layer!.weight, cw[t]!.weight, 1e-3));
    for (let n = 1; n <= 50; n++) await gpu.predict(x.subarray(0, n * 4));
    expectClose(await gpu.predict(x), await cpu.predict(x));
    expect(gpu.stats().buffers).toBeLessThanOrEqual(bound + 8);
    gpu.dispose();
    expect(ctx.stats().buffers).toBe(baseline);
  });
});

describe('leaks on failure', () => {
  it('on a lost device setWeights, getWeights and save reject with DeviceLostError; failed creates leave no buffers', async () => {
    const ctx = await createContext({ gpu: create([]) });
    const model = await Sequential.create({ ...options, backend: ctx });
    const weights = await model.getWeights();
    ctx.device.destroy();
    await ctx.device.lost;
    await expect(model.setWeights(weights)).rejects.toThrow(DeviceLostError);
    await expect(model.getWeights()).rejects.toThrow(DeviceLostError);
    await expect(model.save()).rejects.toThrow(DeviceLostError);
    model.dispose();
    const before = ctx.stats();
    expect(before.buffers).toBe(0);
    for (let i = 0; i < 3; i++) await expect(Sequential.create({ ...options, backend: ctx })).rejects.toThrow(DeviceLostError);
    expect(ctx.stats()).toEqual(before); // was 15 buffers: 5 per failed create
  });
  it('a create that fails while the device is being lost frees what it allocated', async () => {
    const ctx = await createContext({ gpu: create([]) });
    const before = ctx.stats();
    ctx.device.destroy(); // not awaited: the engine allocates before the loss is known
    const results = await Promise.allSettled([0, 1, 2].map(() => Sequential.create({ ...options, backend: ctx })));
    for (const r of results) {
      if (r.status === 'fulfilled') r.value.dispose();
      else expect(r.reason).toBeInstanceOf(DeviceLostError);
    }
    expect(ctx.stats()).toEqual(before);
  });
});

describe('destroyAll', () => {
  // Last in the file: it frees every buffer of the shared context (its pipelines stay).
  it('after destroyAll() every call rejects with DisposedError; nothing surfaces later', async () => {
    const ctx = await testContext();
    const model = await Sequential.create({ ...options, backend: ctx });
    await model.fit(x, labels, { epochs: 1 });
    const weights = await model.getWeights();
    ctx.destroyAll();
    expect(model.stats()).toEqual({ buffers: 0, bytes: 0 }); // what is left, not what was
    await expect(model.getWeights()).rejects.toThrow(DisposedError);
    await expect(model.save()).rejects.toThrow(DisposedError);
    await expect(model.predict(x)).rejects.toThrow(DisposedError);
    await expect(model.evaluate(x, labels)).rejects.toThrow(DisposedError);
    await expect(model.gradients(x.subarray(0, 8 * 4), labels.subarray(0, 8))).rejects.toThrow(DisposedError);
    await expect(model.fit(x, labels, { epochs: 1 })).rejects.toThrow(DisposedError);
    await expect(model.setWeights(weights)).rejects.toThrow(DisposedError);
    ctx.assertHealthy();
    model.dispose();
  });

});

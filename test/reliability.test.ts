// Checkpoints, device loss, resources, determinism. The checkpoint file is parsed here by a minimal
// safetensors reader written independently of src/io.
import { create } from 'webgpu';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext, DeviceLostError, DisposedError, LimitError, Sequential, type ModelOptions } from '../src/index';
import { randomArray, testContext } from './helpers/gpu';

afterAll(async () => {
  (await testContext()).assertHealthy();
});

const rows = 200;
const x = randomArray(21, rows * 8, -1, 1);
const labels = Uint8Array.from({ length: rows }, (_, i) => (x[i * 8] > 0 ? 1 : 0) + (x[i * 8 + 1] > 0 ? 2 : 0));
const options: Omit<ModelOptions, 'backend'> = {
  inputSize: 8,
  layers: [{ units: 16, activation: 'relu' }, { units: 4, activation: 'softmax' }],
  init: 'he',
  seed: 11,
};
const fit = { batchSize: 10, optimizer: 'momentum' as const, learningRate: 0.05, momentum: 0.9 };

/** The test's own reader: u64 LE header length, JSON header, raw little-endian float32 data. */
function readSafetensors(file: Uint8Array) {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
  const tensor = (name: string) => {
    const { dtype, shape, data_offsets: [begin, end] } = header[name];
    expect(dtype).toBe('F32');
    const out: number[] = [];
    for (let at = 8 + n + begin; at < 8 + n + end; at += 4) out.push(view.getFloat32(at, true));
    return { shape, values: Float32Array.from(out) };
  };
  return { header, tensor };
}

describe('checkpoints', () => {
  it('save() writes safetensors an independent reader can parse', async () => {
    const model = await Sequential.create({ ...options, backend: await testContext() });
    await model.fit(x, labels, { ...fit, epochs: 1 });
    const file = await model.save();
    const { header, tensor } = readSafetensors(file);
    const weights = await model.getWeights();
    expect(header.__metadata__.format).toBe('webgpu-train/1');
    expect(JSON.parse(header.__metadata__.config).layers[0].units).toBe(16);
    expect(header.__metadata__.epochs).toBe('1');
    const w0 = tensor('layers.0.weight');
    expect(w0.shape).toEqual([16, 8]);
    expect(w0.values).toEqual(weights[0]!.weight);
    expect(tensor('layers.1.bias').values).toEqual(weights[1]!.bias);
    expect(tensor('optimizer.velocity.layers.0.weight').values.some((v) => v !== 0)).toBe(true);
    model.dispose();
  });

  it('resuming from a checkpoint gives bit-identical weights to uninterrupted training', async () => {
    const ctx = await testContext();
    const straight = await Sequential.create({ ...options, backend: ctx });
    await straight.fit(x, labels, { ...fit, epochs: 4 });
    const first = await Sequential.create({ ...options, backend: ctx });
    await first.fit(x, labels, { ...fit, epochs: 2 });
    const resumed = await Sequential.load(await first.save(), { backend: ctx });
    expect(resumed.progress).toEqual({ epochs: 2, steps: 40 });
    await resumed.fit(x, labels, { ...fit, epochs: 2 });
    const [a, b] = [await straight.getWeights(), await resumed.getWeights()];
    a.forEach((layer, t) => {
      expect(b[t]!.weight).toEqual(layer!.weight);
      expect(b[t]!.bias).toEqual(layer!.bias);
    });
    // A GPU checkpoint also loads on the CPU backend.
    const onCpu = await Sequential.load(await resumed.save(), { backend: 'cpu' });
    expect((await onCpu.getWeights())[0]!.weight).toEqual(b[0]!.weight);
    [straight, first, resumed].forEach((m) => m.dispose());
  });

  it('a damaged file is refused with a clear error', async () => {
    await expect(Sequential.load(new Uint8Array([1, 2, 3]), { backend: 'cpu' })).rejects.toThrow(/safetensors/);
    const model = await Sequential.create({ ...options, backend: 'cpu' });
    const file = await model.save();
    await expect(Sequential.load(file.subarray(0, file.length - 4), { backend: 'cpu' })).rejects.toThrow(/inconsistent offsets/);
  });
});

describe('device loss', () => {
  it('fit rejects with DeviceLostError; the last checkpoint resumes on a new device', async () => {
    const doomed = await createContext({ gpu: create([]) });
    const model = await Sequential.create({ ...options, backend: doomed });
    let destroyed = false;
    const training = model.fit(x, labels, {
      ...fit,
      epochs: 50,
      onProgress: (p) => {
        if (p.epochDone && p.epoch === 2 && !destroyed) {
          destroyed = true;
          doomed.device.destroy();
        }
      },
    });
    await expect(training).rejects.toThrow(DeviceLostError);
    expect(model.lastCheckpoint).not.toBeNull();
    const resumed = await Sequential.load(model.lastCheckpoint!, { backend: await testContext() });
    expect(resumed.progress.epochs).toBeGreaterThanOrEqual(1);
    const before = (await resumed.evaluate(x, labels)).loss;
    await resumed.fit(x, labels, { ...fit, epochs: 3 });
    const after = await resumed.evaluate(x, labels);
    expect(after.loss).toBeLessThan(before);
    resumed.dispose();
  });
});

describe('a progress callback that throws', () => {
  for (const pacedWaits of [false, true]) {
    it(`rejects fit with its error and the model trains on (${pacedWaits ? 'paced waits, as in Node' : 'eager waits, as in a browser'})`, async () => {
      const ctx = await createContext({ gpu: create([]), pacedWaits });
      const model = await Sequential.create({ ...options, backend: ctx });
      // Batch 2: 100 steps, 7 submits, so maps are still pending when the first callback throws.
      const failing = model.fit(x, labels, { ...fit, batchSize: 2, epochs: 2, onProgress: () => { throw new Error('bug in the callback'); } });
      await expect(failing).rejects.toThrow('bug in the callback');
      const history = await model.fit(x, labels, { ...fit, batchSize: 2, epochs: 1 });
      expect(Number.isFinite(history.loss[0])).toBe(true);
      ctx.assertHealthy(); // no submit met a buffer that was still being mapped
      model.dispose();
    });
  }
});

describe('calls made while fit runs', () => {
  it('a fit on new arrays, called mid-epoch, waits its turn and leaves the running fit its data', async () => {
    const model = await Sequential.create({ ...options, backend: await testContext() });
    const other = randomArray(22, rows * 8, -1, 1);
    let second: Promise<unknown> | null = null;
    // Batch 2: 100 steps an epoch; the second fit is called from the first one's progress callback.
    const first = model.fit(x, labels, {
      ...fit,
      batchSize: 2,
      epochs: 2,
      onProgress: (p) => {
        if (!second && p.step >= 16) second = model.fit(other, labels, { ...fit, epochs: 1 });
      },
    });
    const history = await first; // used to fail: its dataset was released under it
    expect(history.loss).toHaveLength(2);
    expect(second).not.toBeNull();
    await expect(second).resolves.toBeDefined();
    expect(model.progress.epochs).toBe(3);
    model.dispose();
  });
});

describe('resources', () => {
  it('2,000 steps keep the buffer count and bytes constant; dispose frees everything', async () => {
    const ctx = await testContext();
    const baseline = ctx.stats();
    const model = await Sequential.create({ ...options, backend: ctx });
    await model.fit(x, labels, { ...fit, epochs: 1 });
    const afterOne = { model: model.stats(), context: ctx.stats() };
    expect(afterOne.model.buffers).toBeGreaterThan(0);
    await model.fit(x, labels, { ...fit, epochs: 100, checkpointEvery: 10 }); // 100 × 20 steps
    expect(model.progress.steps).toBe(2020);
    expect(model.stats()).toEqual(afterOne.model);
    expect(ctx.stats()).toEqual(afterOne.context);
    model.dispose();
    expect(ctx.stats()).toEqual(baseline);
  });

  it('dispose() during fit stops it with DisposedError and frees the buffers once it stops', async () => {
    const ctx = await testContext();
    const baseline = ctx.stats();
    const model = await Sequential.create({ ...options, backend: ctx });
    const training = model.fit(x, labels, {
      ...fit,
      epochs: 20,
      onProgress: (p) => {
        if (p.epochDone && p.epoch === 1) model.dispose();
      },
    });
    await expect(training).rejects.toThrow(DisposedError);
    await expect(model.predict(x)).rejects.toThrow(DisposedError);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(ctx.stats()).toEqual(baseline);
    ctx.assertHealthy();
  });

  it('a model beyond the device limits is refused up front, naming the limit', async () => {
    const gpu = create([]);
    const adapter = await gpu.requestAdapter();
    const device = await adapter!.requestDevice(); // default limits: 128 MiB storage bindings
    const small = await createContext({ gpu, device });
    const limit = device.limits.maxStorageBufferBindingSize;
    const units = Math.ceil(limit / 4 / 4096) + 64;
    await expect(
      Sequential.create({ inputSize: 4096, layers: [{ units }], backend: small }),
    ).rejects.toThrow(LimitError);
    await expect(Sequential.create({ inputSize: 4096, layers: [{ units }], backend: small })).rejects.toThrow(/maxStorageBufferBindingSize/);
    device.destroy();
  });
});

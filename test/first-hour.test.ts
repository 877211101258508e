// What a new user hit in their first hour (misspelled options, defaults, targets, stale data,
// metrics, progress) and the recovery after a diverged fit. Each test failed before its fix.
import { describe, expect, it } from 'vitest';
import { create } from 'webgpu';
import { ConfigError, createContext, DataError, Sequential, TrainingDivergedError, type ModelOptions, type Progress } from '../src/index';
import { randomArray, testContext } from './helpers/gpu';
import { errorOf } from './helpers/errors';

const xor = { x: [0, 0, 0, 1, 1, 0, 1, 1], y: [0, 1, 1, 0] };
const xorModel: ModelOptions = { inputSize: 2, layers: [{ units: 8, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], loss: 'binaryCrossEntropy', seed: 1, backend: 'cpu' };

describe('misspelled and malformed options', () => {
  it.each([
    [{ epoch: 50 }, 'epochs'],
    [{ learningrate: 5 }, 'learningRate'],
    [{ optimiser: 'momentum' }, 'optimizer'],
    [{ batchsize: 4 }, 'batchSize'],
    [{ onprogress: () => {} }, 'onProgress'],
  ])('fit(%o) is a ConfigError naming %s', async (options, nearest) => {
    const model = await Sequential.create(xorModel);
    const error = await errorOf(() => model.fit(xor.x, xor.y, options as never));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain(`did you mean "${nearest}"`);
    expect(model.progress.epochs).toBe(0);
  });

  it('a misspelled layer option or lossFn is refused at create', async () => {
    const layer = await errorOf(() => Sequential.create({ ...xorModel, layers: [{ units: 8, activations: 'tanh' } as never, { units: 1, activation: 'sigmoid' }] }));
    expect(layer).toBeInstanceOf(ConfigError);
    expect(layer.message).toMatch(/layers\[0\].*"activations".*did you mean "activation"/);
    const lossFn = await errorOf(() => Sequential.create({ ...xorModel, lossFn: 'mse' } as never));
    expect(lossFn).toBeInstanceOf(ConfigError);
    expect(lossFn.message).toContain('did you mean "loss"');
  });

  it('createContext and load options are checked the same way', async () => {
    const context = await errorOf(() => createContext({ gpu: create([]), autoTune: true } as never));
    expect(context).toBeInstanceOf(ConfigError);
    expect(context.message).toContain('did you mean "autotune"');
    const file = await (await Sequential.create(xorModel)).save();
    const load = await errorOf(() => Sequential.load(file, { backnd: 'cpu' } as never));
    expect(load).toBeInstanceOf(ConfigError);
    expect(load.message).toContain('did you mean "backend"');
  });

  it('null or undefined fit options mean the defaults', async () => {
    for (const options of [null, undefined]) {
      const model = await Sequential.create(xorModel);
      const history = await model.fit(xor.x, xor.y, options);
      expect(history.loss).toHaveLength(1);
    }
  });

  it('a number given as a string is reported as a string', async () => {
    const model = await Sequential.create(xorModel);
    const error = await errorOf(() => model.fit(xor.x, xor.y, { learningRate: '0.1' } as never));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('the string "0.1"');
  });

  it('a 1-unit softmax output is refused with the sigmoid suggestion', async () => {
    const error = await errorOf(() => Sequential.create({ inputSize: 2, layers: [{ units: 1, activation: 'softmax' }], backend: 'cpu' }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/sigmoid.*binaryCrossEntropy/);
  });
});

describe('defaults', () => {
  it('the default batch is min(32, rows): a 4-row dataset trains full-batch', async () => {
    const [a, b] = [await Sequential.create(xorModel), await Sequential.create(xorModel)];
    const defaults = await a.fit(xor.x, xor.y, { epochs: 3, shuffle: false });
    const full = await b.fit(xor.x, xor.y, { epochs: 3, shuffle: false, batchSize: 4 });
    expect(defaults.loss).toEqual(full.loss);
    expect(a.progress.steps).toBe(3);
  });

  it("the default init is fan-in scaled per activation ('auto'); 'normal' stays N(0, 1)", async () => {
    const layers = [{ units: 256, activation: 'relu' as const }, { units: 10, activation: 'softmax' as const }];
    const x = randomArray(3, 64 * 100, 0, 1);
    const labels = Uint8Array.from({ length: 64 }, (_, i) => i % 10);
    const auto = await Sequential.create({ inputSize: 100, layers, seed: 4, backend: 'cpu' });
    const normal = await Sequential.create({ inputSize: 100, layers, init: 'normal', seed: 4, backend: 'cpu' });
    expect(auto.config.init).toBe('auto');
    const std = (v: Float32Array) => Math.sqrt(v.reduce((s, w) => s + w * w, 0) / v.length);
    const [w0, w1] = await auto.getWeights();
    expect(std(w0.weight)).toBeCloseTo(Math.sqrt(2 / 100), 2); // He for the relu layer
    expect(std(w1.weight)).toBeCloseTo(Math.sqrt(2 / (256 + 10)), 2); // Xavier for the softmax layer
    expect(std((await normal.getWeights())[0].weight)).toBeCloseTo(1, 1);
    const autoLoss = (await auto.evaluate(x, labels)).loss;
    const normalLoss = (await normal.evaluate(x, labels)).loss;
    expect(autoLoss).toBeLessThan(5); // about ln 10 = 2.3
    expect(normalLoss).toBeGreaterThan(20);
  });
});

describe('targets and weights', () => {
  it('a Uint8Array of 0/1 targets trains a 1-unit sigmoid output like number[] targets', async () => {
    const [a, b] = [await Sequential.create(xorModel), await Sequential.create(xorModel)];
    const typed = await a.fit(xor.x, Uint8Array.from(xor.y), { epochs: 5 });
    const plain = await b.fit(xor.x, xor.y, { epochs: 5 });
    expect(typed.loss).toEqual(plain.loss);
  });

  it('string labels are refused for a softmax model, as strings in x are', async () => {
    const model = await Sequential.create({ inputSize: 2, layers: [{ units: 2, activation: 'softmax' }], backend: 'cpu' });
    const error = await errorOf(() => model.fit(xor.x, ['0', '1', '1', '0'] as never));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain('string');
  });

  it('setWeights takes number[] and Float64Array like every other input', async () => {
    const model = await Sequential.create(xorModel);
    const w = await model.getWeights();
    await model.setWeights(w.map((l) => ({ weight: Array.from(l!.weight, (v) => v * 2), bias: Float64Array.from(l!.bias, () => 0.5) })));
    const back = await model.getWeights();
    expect(Array.from(back[0]!.weight)).toEqual(Array.from(w[0]!.weight, (v) => Math.fround(v * 2)));
    expect(Array.from(back[1]!.bias)).toEqual([0.5]);
  });
});

describe('stale data', () => {
  it('arrays changed in place between fits are uploaded again (GPU)', async () => {
    const ctx = await testContext();
    const options: ModelOptions = { inputSize: 3, layers: [{ units: 5, activation: 'tanh' }, { units: 1 }], seed: 2, backend: ctx };
    const x = randomArray(8, 40 * 3, -1, 1);
    const y = Array.from({ length: 40 }, (_, i) => x[i * 3] - x[i * 3 + 2]);
    const fit = { epochs: 2, batchSize: 8, learningRate: 0.1 };
    const [inPlace, fresh] = [await Sequential.create(options), await Sequential.create(options)];
    try {
      await inPlace.fit(x, y, fit);
      await fresh.fit(x.slice(), y.slice(), fit);
      x.forEach((v, i) => (x[i] = -v)); // the same arrays, new contents
      y[7] = 3;
      await inPlace.fit(x, y, fit);
      await fresh.fit(x.slice(), y.slice(), fit);
      const [a, b] = [await inPlace.getWeights(), await fresh.getWeights()];
      expect(Array.from(a[0]!.weight)).toEqual(Array.from(b[0]!.weight));
      expect(Array.from(a[1]!.bias)).toEqual(Array.from(b[1]!.bias));
    } finally {
      inPlace.dispose();
      fresh.dispose();
    }
  });
});

describe('metrics and progress', () => {
  it('evaluate reports accuracy for classes and 0/1 targets, not for regression', async () => {
    const regression = await Sequential.create({ inputSize: 1, layers: [{ units: 8, activation: 'tanh' }, { units: 1 }], seed: 3, backend: 'cpu' });
    const xs = Array.from({ length: 32 }, (_, i) => i / 5);
    const score = await regression.evaluate(xs, xs.map(Math.sin));
    expect(score.loss).toBeGreaterThan(0);
    expect('accuracy' in score).toBe(false);
    const binary = await Sequential.create(xorModel);
    expect((await binary.evaluate(xor.x, xor.y)).accuracy).toBeTypeOf('number');
    const classes = await Sequential.create({ inputSize: 2, layers: [{ units: 3, activation: 'softmax' }], seed: 3, backend: 'cpu' });
    expect((await classes.evaluate(xor.x, [0, 1, 2, 1])).accuracy).toBeTypeOf('number');
    // A linear multi-output model scored on one-hot rows gets argmax accuracy; on scores it gets none.
    const multi = await Sequential.create({ inputSize: 2, layers: [{ units: 3 }], seed: 3, backend: 'cpu' });
    expect((await multi.evaluate(xor.x, [0, 1, 2, 1])).accuracy).toBeTypeOf('number');
    expect((await multi.evaluate(xor.x, randomArray(2, 12))).accuracy).toBeUndefined();
  });

  it.each(['cpu', 'gpu'] as const)('onProgress reports each step count once per epoch, the last one as epochDone (%s)', async (kind) => {
    const model = await Sequential.create({ ...xorModel, backend: kind === 'cpu' ? 'cpu' : await testContext() });
    const seen: Progress[] = [];
    await model.fit(xor.x, xor.y, { epochs: 3, batchSize: 1, onProgress: (p) => seen.push(p) });
    model.dispose();
    const keys = seen.map((p) => `${p.epoch}:${p.step}`);
    expect(new Set(keys).size, `duplicated reports: ${keys.join(' ')}`).toBe(keys.length);
    for (const epoch of [1, 2, 3]) {
      const last = seen.filter((p) => p.epoch === epoch).at(-1)!;
      expect([last.step, last.epochDone]).toEqual([4, true]);
      expect(seen.filter((p) => p.epoch === epoch && p.epochDone)).toHaveLength(1);
    }
  });
});

describe('progress timing', () => {
  it("the first epoch's samples/s excludes compiling: no pipeline is compiled while an epoch is timed", async () => {
    const ctx = await testContext();
    const model = await Sequential.create({ inputSize: 13, layers: [{ units: 11, activation: 'relu' }, { units: 3, activation: 'softmax' }], seed: 8, backend: ctx });
    const engine = (model as unknown as { engine: { trainEpoch: (...args: unknown[]) => Promise<unknown> } }).engine;
    const device = ctx.device;
    const compile = device.createComputePipelineAsync.bind(device);
    let epochRunning = false;
    let compiledDuringEpoch = 0;
    let compiledOutside = 0;
    device.createComputePipelineAsync = (d: GPUComputePipelineDescriptor) => {
      if (epochRunning) compiledDuringEpoch++;
      else compiledOutside++;
      return compile(d);
    };
    const trainEpoch = engine.trainEpoch.bind(engine);
    engine.trainEpoch = async (...args: unknown[]) => {
      epochRunning = true;
      try {
        return await trainEpoch(...args);
      } finally {
        epochRunning = false;
      }
    };
    try {
      // A batch size and an optimizer the model has not compiled for (23 rows: a tail of 6).
      await model.fit(randomArray(4, 40 * 13), Uint8Array.from({ length: 40 }, (_, i) => i % 3), { batchSize: 17, optimizer: 'adam', epochs: 2 });
    } finally {
      device.createComputePipelineAsync = compile;
      model.dispose();
    }
    expect(compiledOutside).toBeGreaterThan(0);
    expect(compiledDuringEpoch).toBe(0);
  });
});

describe('recovery after divergence', () => {
  const options = (backend: ModelOptions['backend']): ModelOptions => ({
    inputSize: 4,
    layers: [{ units: 16, activation: 'relu' }, { units: 1 }],
    seed: 9,
    backend,
  });
  const x = randomArray(12, 64 * 4, -1, 1);
  const y = Array.from({ length: 64 }, (_, i) => 2 * x[i * 4] - x[i * 4 + 3]);
  const diverge = { epochs: 3, batchSize: 8, optimizer: 'momentum' as const, learningRate: 1e6 };
  const sane = { epochs: 5, batchSize: 8, optimizer: 'momentum' as const, learningRate: 0.02 };
  const finite = (layers: ({ weight: Float32Array; bias: Float32Array } | null)[]) => layers.every((l) => l!.weight.every(Number.isFinite) && l!.bias.every(Number.isFinite));

  it.each(['cpu', 'gpu'] as const)('a diverged fit leaves the model as before the diverging epoch (%s); training goes on', async (kind) => {
    const model = await Sequential.create(options(kind === 'cpu' ? 'cpu' : await testContext()));
    try {
      await model.fit(x, y, { ...sane, epochs: 1 });
      const before = await model.getWeights();
      const error = await errorOf(() => model.fit(x, y, diverge));
      expect(error).toBeInstanceOf(TrainingDivergedError);
      expect(error.message).toContain('restored');
      const after = await model.getWeights();
      expect(Array.from(after[0]!.weight)).toEqual(Array.from(before[0]!.weight));
      expect(model.progress.epochs).toBe(1);
      const history = await model.fit(x, y, sane);
      expect(history.loss.every(Number.isFinite)).toBe(true);
      expect(history.loss[4]).toBeLessThan(history.loss[0]);
    } finally {
      model.dispose();
    }
  });

  it('divergence in the very first epoch can be rolled back too (lastCheckpoint is kept from the start)', async () => {
    const model = await Sequential.create(options('cpu'));
    await expect(model.fit(x, y, diverge)).rejects.toThrow(TrainingDivergedError);
    expect(model.lastCheckpoint).not.toBeNull();
    expect(finite(await model.getWeights())).toBe(true);
    const history = await model.fit(x, y, sane);
    expect(history.loss[4]).toBeLessThan(history.loss[0]);
  });

  it('without checkpoints, setWeights(good) resets the NaN momentum so training recovers', async () => {
    const model = await Sequential.create(options(await testContext()));
    try {
      const good = await model.getWeights();
      const error = await errorOf(() => model.fit(x, y, { ...diverge, checkpointEvery: 0 }));
      expect(error).toBeInstanceOf(TrainingDivergedError);
      expect(finite(await model.getWeights())).toBe(false);
      await model.setWeights(good);
      const history = await model.fit(x, y, { ...sane, checkpointEvery: 0 });
      expect(history.loss.every(Number.isFinite)).toBe(true);
      expect(history.loss[4]).toBeLessThan(history.loss[0]);
    } finally {
      model.dispose();
    }
  });

  it('resetOptimizer zeroes the momentum and keeps the weights', async () => {
    const model = await Sequential.create(options('cpu'));
    await model.fit(x, y, { ...sane, epochs: 1 });
    const weights = await model.getWeights();
    await model.resetOptimizer();
    const file = await model.save();
    const reloaded = await Sequential.load(file, { backend: 'cpu' });
    expect(Array.from((await reloaded.getWeights())[0]!.weight)).toEqual(Array.from(weights[0]!.weight));
    // The momentum in the checkpoint is zero: one more epoch equals a fresh model given these weights.
    const twin = await Sequential.create(options('cpu'));
    await twin.setWeights(weights);
    const a = await reloaded.fit(x, y, { ...sane, epochs: 1, shuffle: false });
    const b = await twin.fit(x, y, { ...sane, epochs: 1, shuffle: false });
    expect(a.loss).toEqual(b.loss);
  });
});

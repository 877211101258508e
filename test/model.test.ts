// Whole models: the GPU backend against the CPU reference backend from the same seed, the notes'
// worked example, and the errors a user meets. Tolerances: after 20 float32 steps the two backends
// differ only by rounding, so losses agree to 1e-4 relative and weights to 2e-5 absolute + 1e-4 relative.
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, createContext, DataError, DisposedError, Sequential, ShapeError, WebGPUUnavailableError, type ModelOptions } from '../src/index';
import { randomArray, testContext, worstExcess } from './helpers/gpu';

afterAll(async () => {
  (await testContext()).assertHealthy();
});

async function pair(options: Omit<ModelOptions, 'backend'>): Promise<[Sequential, Sequential]> {
  const ctx = await testContext();
  return Promise.all([Sequential.create({ ...options, backend: ctx }), Sequential.create({ ...options, backend: 'cpu' })]);
}

async function expectSameWeights(gpu: Sequential, cpu: Sequential): Promise<void> {
  const [wg, wc] = await Promise.all([gpu.getWeights(), cpu.getWeights()]);
  wg.forEach((layer, t) => {
    expect(worstExcess(layer!.weight, wc[t]!.weight, 2e-5, 1e-4)).toBeLessThanOrEqual(0);
    expect(worstExcess(layer!.bias, wc[t]!.bias, 2e-5, 1e-4)).toBeLessThanOrEqual(0);
  });
}

const rows = 80;
const x = randomArray(11, rows * 12, -2, 2);
const labels = Uint8Array.from({ length: rows }, (_, i) => (i * 7) % 3);
const regression = randomArray(12, rows * 2, 0, 1);

describe('GPU and CPU backends train identically from the same seed (20 steps)', () => {
  const classifier: Omit<ModelOptions, 'backend'> = {
    inputSize: 12,
    layers: [{ units: 16, activation: 'tanh' }, { units: 8, activation: 'leakyRelu', slope: 0.1 }, { units: 3, activation: 'softmax' }],
    init: 'xavier',
    seed: 7,
  };
  const cases = [
    { name: 'full-batch gradient descent', fit: { epochs: 20, batchSize: 'full' as const, optimizer: 'sgd' as const, learningRate: 0.5 } },
    { name: 'minibatch SGD (batch 16, shuffled)', fit: { epochs: 4, batchSize: 16, optimizer: 'sgd' as const, learningRate: 0.2 } },
    { name: 'momentum (batch 16, shuffled)', fit: { epochs: 4, batchSize: 16, optimizer: 'momentum' as const, learningRate: 0.05, momentum: 0.9 } },
    { name: 'momentum with a partial last batch (batch 23)', fit: { epochs: 5, batchSize: 23, optimizer: 'momentum' as const, learningRate: 0.05 } },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const [gpu, cpu] = await pair(classifier);
      const [hg, hc] = [await gpu.fit(x, labels, c.fit), await cpu.fit(x, labels, c.fit)];
      expect(hg.loss.length).toBe(c.fit.epochs);
      expect(worstExcess(hg.loss, hc.loss, 0, 1e-4)).toBeLessThanOrEqual(0);
      expect(hg.loss[hg.loss.length - 1]).toBeLessThan(hg.loss[0]);
      await expectSameWeights(gpu, cpu);
      gpu.dispose();
    });
  }

  for (const [loss, activation] of [['mse', 'sigmoid'], ['mse', 'linear'], ['binaryCrossEntropy', 'sigmoid']] as const) {
    it(`${loss} with a ${activation} output, momentum`, async () => {
      const [gpu, cpu] = await pair({
        inputSize: 12,
        layers: [{ units: 10, activation: 'relu' }, { units: 2, activation }],
        loss,
        init: 'he',
        seed: 3,
      });
      const fit = { epochs: 4, batchSize: 16, optimizer: 'momentum' as const, learningRate: 0.1 };
      const [hg, hc] = [await gpu.fit(x, regression, fit), await cpu.fit(x, regression, fit)];
      expect(worstExcess(hg.loss, hc.loss, 0, 1e-4)).toBeLessThanOrEqual(0);
      await expectSameWeights(gpu, cpu);
      const [eg, ec] = [await gpu.evaluate(x, regression), await cpu.evaluate(x, regression)];
      expect(eg.loss).toBeCloseTo(ec.loss, 5);
      expect(eg.accuracy).toBe(ec.accuracy);
      gpu.dispose();
    });
  }
});

describe('gradients without updating', () => {
  it('loss, parameter gradients and input gradient agree between backends', async () => {
    const [gpu, cpu] = await pair({
      inputSize: 12,
      layers: [{ units: 9, activation: 'sigmoid' }, { units: 3, activation: 'softmax' }],
      init: 'xavier',
      seed: 5,
    });
    const xb = x.subarray(0, 10 * 12);
    const yb = labels.subarray(0, 10);
    const [g, c] = [await gpu.gradients(xb, yb), await cpu.gradients(xb, yb)];
    expect(g.loss).toBeCloseTo(c.loss!, 5);
    g.layers.forEach((layer, t) => {
      expect(worstExcess(layer!.weight, c.layers[t]!.weight, 1e-6, 1e-4)).toBeLessThanOrEqual(0);
      expect(worstExcess(layer!.bias, c.layers[t]!.bias, 1e-6, 1e-4)).toBeLessThanOrEqual(0);
    });
    expect(worstExcess(g.input, c.input, 1e-6, 1e-4)).toBeLessThanOrEqual(0);
    expect(worstExcess(g.output, c.output, 1e-6, 1e-5)).toBeLessThanOrEqual(0);
    // gradients() must not train: the weights are unchanged.
    const before = await gpu.getWeights();
    await gpu.gradients(xb, yb);
    expect((await gpu.getWeights())[0]!.weight).toEqual(before[0]!.weight);
    gpu.dispose();
  });

  for (const backend of ['gpu', 'cpu'] as const) {
    it(`the notes' worked example q = x + y, f = q·z on the ${backend} backend`, async () => {
      // Layer 1: q = 1·x + 1·y (linear); layer 2: f = z·q with z = −4. Input (x, y) = (−2, 5).
      const model = await Sequential.create({
        inputSize: 2,
        layers: [{ units: 1 }, { units: 1 }],
        backend: backend === 'gpu' ? await testContext() : 'cpu',
      });
      await model.setWeights([
        { weight: new Float32Array([1, 1]), bias: new Float32Array([0]) },
        { weight: new Float32Array([-4]), bias: new Float32Array([0]) },
      ]);
      const g = await model.backward([-2, 5], [1]);
      expect(Array.from(g.output)).toEqual([-12]);
      expect(Array.from(g.input)).toEqual([-4, -4]); // ∂f/∂x = ∂f/∂y = z = −4
      expect(Array.from(g.layers[1].weight)).toEqual([3]); // ∂f/∂z = q = 3
      expect(Array.from(g.layers[0].weight)).toEqual([8, -20]); // ∂f/∂w = x·z, y·z
      expect(Array.from(g.layers[0].bias)).toEqual([-4]);
      expect(Array.from(g.layers[1].bias)).toEqual([1]);
      model.dispose();
    });
  }
});

describe('determinism and resources', () => {
  it('the same seed gives bit-identical GPU weights; buffers stay constant across fits', async () => {
    const ctx = await testContext();
    const options: ModelOptions = { inputSize: 12, layers: [{ units: 8, activation: 'relu' }, { units: 3, activation: 'softmax' }], init: 'he', seed: 99, backend: ctx };
    const fit = { epochs: 3, batchSize: 16, optimizer: 'momentum' as const, learningRate: 0.05 };
    const a = await Sequential.create(options);
    const b = await Sequential.create(options);
    await a.fit(x, labels, fit);
    const stats = a.stats();
    await a.fit(x, labels, fit);
    expect(a.stats()).toEqual(stats);
    await b.fit(x, labels, fit);
    await b.fit(x, labels, fit);
    const [wa, wb] = [await a.getWeights(), await b.getWeights()];
    wa.forEach((layer, t) => expect(layer!.weight).toEqual(wb[t]!.weight));
    a.dispose();
    b.dispose();
    expect(a.stats).toBeDefined();
    expect(() => a.stats()).toThrow(DisposedError);
  });
});

describe('clear errors', () => {
  const options: ModelOptions = { inputSize: 4, layers: [{ units: 3, activation: 'softmax' }], backend: 'cpu' };

  it('no WebGPU', async () => {
    await expect(createContext()).rejects.toThrow(WebGPUUnavailableError);
    await expect(createContext()).rejects.toThrow(/install the `webgpu` package/);
  });

  it('bad configuration', async () => {
    await expect(Sequential.create({ ...options, layers: [{ units: 3, activation: 'swish' as never }] })).rejects.toThrow(ConfigError);
    await expect(Sequential.create({ ...options, layers: [{ units: 0 }] })).rejects.toThrow(/units must be a whole number/);
    await expect(Sequential.create({ ...options, layers: [{ units: 3, activation: 'sigmoid' }], loss: 'crossEntropy' })).rejects.toThrow(/softmax output/);
  });

  it('data that does not fit the model', async () => {
    const model = await Sequential.create(options);
    await expect(model.fit(new Float32Array(10), [0, 1], {})).rejects.toThrow(ShapeError);
    await expect(model.fit(new Float32Array(10), [0, 1], {})).rejects.toThrow(/not a multiple of the 4/);
    await expect(model.fit(new Float32Array(8), [0, 1, 2], {})).rejects.toThrow(/3 rows.*2 samples|2 samples/);
    await expect(model.fit(new Float32Array([0, 1, NaN, 0]), [0], {})).rejects.toThrow(DataError);
    await expect(model.fit(new Float32Array(8), [0, 3], {})).rejects.toThrow(/labels must be whole numbers from 0 to 2/);
    await expect(model.fit(new Float32Array(0), [], {})).rejects.toThrow(/empty/);
    await expect(model.fit(new Float32Array(8), [0, 1], { batchSize: 3 })).rejects.toThrow(/larger than the dataset/);
    await expect(model.fit(new Float32Array(8), [0, 1], { learningRate: -1 })).rejects.toThrow(ConfigError);
    await expect(model.predict(new Int32Array(8) as never)).rejects.toThrow(/Float32Array.from/);
    model.dispose();
    await expect(model.predict(new Float32Array(4))).rejects.toThrow(DisposedError);
  });
});

// CNN models end to end: the GPU engine against the CPU reference on a net with every layer type,
// hand-computed values, checkpoints (names, shapes, bit-identical resume with dropout), constant
// GPU memory over 2,000 steps, and typed errors for hostile layer specs.
import { describe, expect, it } from 'vitest';
import { ConfigError, Sequential, ShapeError, type LayerSpec } from '../src/index';
import { decodeSafetensors } from '../src/io/safetensors';
import { testContext, worstExcess } from './helpers/gpu';

const MIXED: LayerSpec[] = [
  { type: 'randomShift', maxShift: [1, 2] },
  { type: 'conv2d', filters: 3, kernelSize: [3, 2], padding: 1, activation: 'relu' },
  { type: 'maxPool2d', poolSize: 2 },
  { type: 'randomShift', maxShift: 1 }, // inside the net: fit runs its backward (the adjoint shift)
  { type: 'layerNorm' },
  { type: 'conv2d', filters: 4, kernelSize: 2, stride: [1, 2], activation: 'tanh' },
  { type: 'avgPool2d', poolSize: [2, 1], stride: 1 },
  { type: 'flatten' },
  { type: 'dropout', rate: 0.3 },
  { units: 5, activation: 'leakyRelu' },
  { units: 3, activation: 'softmax' },
];
const rows = 24;
const x = Float32Array.from({ length: rows * 2 * 9 * 8 }, (_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.3));
const labels = Uint8Array.from({ length: rows }, (_, i) => (i * 7) % 3);
const mixed = { inputShape: [2, 9, 8] as [number, number, number], layers: MIXED, seed: 3 };

describe('a CNN with every layer type', () => {
  it('has the shapes and parameters PyTorch would give it, and null entries for parameter-free layers', async () => {
    const model = await Sequential.create({ ...mixed, backend: 'cpu' });
    const s = model.summary();
    expect(s.layers.map((l) => l.outputShape)).toEqual([
      [null, 2, 9, 8],
      [null, 3, 9, 9], // (9 + 2 − 3)/1 + 1, (8 + 2 − 2)/1 + 1
      [null, 3, 4, 4],
      [null, 3, 4, 4],
      [null, 3, 4, 4],
      [null, 4, 3, 2], // (4 − 2)/1 + 1, (4 − 2)/2 + 1
      [null, 4, 2, 2],
      [null, 16],
      [null, 16],
      [null, 5],
      [null, 3],
    ]);
    const w = await model.getWeights();
    expect(w.map((l) => (l ? [l.weight.length, l.bias.length] : null))).toEqual([null, [36, 3], null, null, [48, 48], [48, 4], null, null, null, [80, 5], [15, 3]]);
    expect(Array.from(w[4]!.weight).every((v) => v === 1)).toBe(true); // LayerNorm γ starts at 1
    expect(s.totalParams).toBe(36 + 3 + 96 + 48 + 4 + 80 + 5 + 15 + 3);
  });

  it('trains on the GPU as on the CPU reference: gradients, ∂X, losses and weights (dropout included)', async () => {
    const [gpu, cpu] = await Promise.all([Sequential.create({ ...mixed, backend: await testContext() }), Sequential.create({ ...mixed, backend: 'cpu' })]);
    const [gg, gc] = [await gpu.gradients(x, labels), await cpu.gradients(x, labels)];
    expect(Math.abs(gg.loss! - gc.loss!)).toBeLessThan(1e-5 * Math.abs(gc.loss!));
    expect(worstExcess(gg.input, gc.input, 1e-6, 1e-3)).toBeLessThanOrEqual(0);
    expect(gc.input.some((v) => v !== 0)).toBe(true);
    gc.layers.forEach((layer, t) => {
      if (!layer) return expect(gg.layers[t]).toBeNull();
      expect(worstExcess(gg.layers[t]!.weight, layer.weight, 1e-6, 1e-3), `layer ${t} ∂W`).toBeLessThanOrEqual(0);
      expect(worstExcess(gg.layers[t]!.bias, layer.bias, 1e-6, 1e-3), `layer ${t} ∂b`).toBeLessThanOrEqual(0);
    });
    const fit = { epochs: 4, batchSize: 8, optimizer: 'momentum' as const, learningRate: 0.05 };
    const [hg, hc] = [await gpu.fit(x, labels, fit), await cpu.fit(x, labels, fit)];
    expect(worstExcess(hg.loss, hc.loss, 0, 1e-4)).toBeLessThanOrEqual(0);
    expect(hg.loss[3]).toBeLessThan(hg.loss[0]);
    const [wg, wc] = [await gpu.getWeights(), await cpu.getWeights()];
    wc.forEach((layer, t) => {
      if (!layer) return;
      expect(worstExcess(wg[t]!.weight, layer.weight, 2e-5, 1e-3), `layer ${t} weights`).toBeLessThanOrEqual(0);
    });
    gpu.dispose();
  });

  it('dropout is active only in training: masks change the training loss, evaluate() is deterministic', async () => {
    const noDropout = MIXED.map((l) => (l.type === 'dropout' ? { type: 'dropout' as const, rate: 0 } : l));
    const [a, b] = await Promise.all([Sequential.create({ ...mixed, backend: 'cpu' }), Sequential.create({ ...mixed, layers: noDropout, backend: 'cpu' })]);
    // Same initial weights (dropout declares none), so inference agrees and training does not.
    expect(await a.evaluate(x, labels)).toEqual(await b.evaluate(x, labels));
    const fit = { epochs: 1, batchSize: 8, learningRate: 0.05 };
    const [ha, hb] = [await a.fit(x, labels, fit), await b.fit(x, labels, fit)];
    expect(ha.loss[0]).not.toBe(hb.loss[0]);
  });
});

describe('hand-computed values', () => {
  // x = 1..9 as a 3×3 image; conv W = [[1, 0], [0, −1]], b = 0.5 (valid, linear):
  // U[i,j] = x[i,j] − x[i+1,j+1] + 0.5 = −3.5 everywhere; dense w = [1, 2, 3, 4], c = 0.1:
  // y = −3.5·10 + 0.1 = −34.9; mse against 0: loss 1218.01, ∂ℓ/∂y = 2y = −69.8.
  const layers: LayerSpec[] = [{ type: 'conv2d', filters: 1, kernelSize: 2 }, { type: 'flatten' }, { units: 1 }];
  const image = Float32Array.from({ length: 9 }, (_, i) => i + 1);
  const weights = [{ weight: [1, 0, 0, -1], bias: [0.5] }, null, { weight: [1, 2, 3, 4], bias: [0.1] }];

  // On the CPU reference (the GPU is held to it by the test above; compiling this net's pipelines
  // on SwiftShader would cost CI 17 s).
  for (const backend of ['cpu'] as const) {
    it(`forward and gradients (${backend})`, async () => {
      const model = await Sequential.create({ inputShape: [1, 3, 3], layers, loss: 'mse', backend });
      await model.setWeights(weights);
      expect((await model.predict(image))[0]).toBeCloseTo(-34.9, 4);
      const g = await model.gradients(image, new Float32Array([0]));
      expect(g.loss).toBeCloseTo(1218.01, 1);
      const dy = -69.8;
      expect(Array.from(g.layers[2]!.weight)).toEqual([0, 0, 0, 0].map(() => expect.closeTo(dy * -3.5, 2)));
      expect(g.layers[2]!.bias[0]).toBeCloseTo(dy, 3);
      expect(g.layers[1]).toBeNull();
      // ∂U[i,j] = dy·w[i·2 + j]; ∂W[a,b] = Σ_ij ∂U[i,j]·x[i+a, j+b]; ∂b = Σ ∂U; ∂X[y,x] = Σ ∂U[i,j]·W[y−i, x−j].
      const dU = [1, 2, 3, 4].map((w) => dy * w);
      const X = (r: number, c: number) => 3 * r + c + 1;
      const dW = [0, 1, 2, 3].map((k) => dU.reduce((s, d, ij) => s + d * X(Math.floor(ij / 2) + Math.floor(k / 2), (ij % 2) + (k % 2)), 0));
      expect(worstExcess(g.layers[0]!.weight, dW, 1e-3, 1e-5)).toBeLessThanOrEqual(0);
      expect(g.layers[0]!.bias[0]).toBeCloseTo(dU.reduce((a, b) => a + b), 2);
      const W = [1, 0, 0, -1];
      const dX = Array.from({ length: 9 }, (_, p) => {
        const [r, c] = [Math.floor(p / 3), p % 3];
        let s = 0;
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) if (r - i >= 0 && r - i < 2 && c - j >= 0 && c - j < 2) s += dU[i * 2 + j] * W[(r - i) * 2 + (c - j)];
        return s;
      });
      expect(worstExcess(g.input, dX, 1e-3, 1e-5)).toBeLessThanOrEqual(0);
      model.dispose();
    });
  }
});

describe('CNN checkpoints and memory', () => {
  it('names tensors layers.<index>.weight|bias in PyTorch shapes and resumes bit-identically, dropout and random shifts included', async () => {
    const ctx = await testContext();
    const fit = { epochs: 1, batchSize: 8, optimizer: 'adam' as const, learningRate: 0.01 };
    const a = await Sequential.create({ ...mixed, backend: ctx });
    await a.fit(x, labels, fit);
    const file = await a.save();
    const { tensors } = decodeSafetensors(file);
    expect([...tensors.keys()].filter((k) => !k.startsWith('optimizer.')).sort()).toEqual(
      ['1', '4', '5', '9', '10'].flatMap((t) => [`layers.${t}.bias`, `layers.${t}.weight`]).sort(),
    );
    expect(tensors.get('layers.1.weight')!.shape).toEqual([3, 2, 3, 2]);
    expect(tensors.get('layers.4.weight')!.shape).toEqual([3, 4, 4]);
    expect(tensors.get('layers.5.weight')!.shape).toEqual([4, 3, 2, 2]);
    await a.fit(x, labels, { ...fit, epochs: 2 });
    const b = await Sequential.load(file, { backend: ctx });
    await b.fit(x, labels, { ...fit, epochs: 2 });
    const [wa, wb] = [await a.getWeights(), await b.getWeights()];
    wa.forEach((layer, t) => {
      if (!layer) return expect(wb[t]).toBeNull();
      expect(wb[t]!.weight).toEqual(layer.weight);
      expect(wb[t]!.bias).toEqual(layer.bias);
    });
    a.dispose();
    b.dispose();
  });

  it('2,000 CNN steps keep the GPU buffers and bytes constant', async () => {
    const ctx = await testContext();
    const small = { inputShape: [1, 6, 6] as [number, number, number], layers: [
      { type: 'conv2d', filters: 2, kernelSize: 3, activation: 'relu' },
      { type: 'maxPool2d', poolSize: 2 },
      { type: 'flatten' },
      { type: 'dropout', rate: 0.2 },
      { units: 2, activation: 'softmax' },
    ] as LayerSpec[] };
    const data = Float32Array.from({ length: 32 * 36 }, (_, i) => Math.cos(i));
    const y = Uint8Array.from({ length: 32 }, (_, i) => i % 2);
    const model = await Sequential.create({ ...small, backend: ctx });
    await model.fit(data, y, { epochs: 1, batchSize: 4 });
    const after8 = model.stats();
    await model.fit(data, y, { epochs: 249, batchSize: 4 }); // 8 steps an epoch: 2,000 steps in all
    expect(model.progress.steps).toBe(2000);
    expect(model.stats()).toEqual(after8);
    model.dispose();
  }, 120_000);
});

describe('hostile layer specs get typed errors naming the layer and what to do', () => {
  const image = [1, 8, 8] as [number, number, number];
  const conv = (more: object) => ({ type: 'conv2d', filters: 2, kernelSize: 3, ...more });
  const out = { units: 2, activation: 'softmax' };
  const cases: [string, object, RegExp][] = [
    ['a kernel larger than its input', { inputShape: [1, 4, 4], layers: [conv({ kernelSize: 5 }), { type: 'flatten' }, out] }, /layers\[0\] \(conv2d\).*kernelSize 5 is larger than its input's height 4/],
    ['0 filters', { inputShape: image, layers: [conv({ filters: 0 }), { type: 'flatten' }, out] }, /layers\[0\] \(conv2d\): filters must be a whole number/],
    ['fractional filters', { inputShape: image, layers: [conv({ filters: 2.5 }), { type: 'flatten' }, out] }, /filters must be a whole number.*2\.5/],
    ['stride 0', { inputShape: image, layers: [conv({ stride: 0 }), { type: 'flatten' }, out] }, /stride must be a whole number from 1/],
    ['a fractional poolSize', { inputShape: image, layers: [{ type: 'maxPool2d', poolSize: 1.5 }, { type: 'flatten' }, out] }, /layers\[0\] \(maxPool2d\): poolSize must be a whole number/],
    ['negative padding', { inputShape: image, layers: [conv({ padding: -1 }), { type: 'flatten' }, out] }, /padding must be a whole number from 0/],
    ["'same' with stride 2", { inputShape: image, layers: [conv({ padding: 'same', stride: 2 }), { type: 'flatten' }, out] }, /padding 'same' needs stride 1/],
    ['dropout rate 1', { inputShape: image, layers: [{ type: 'flatten' }, { type: 'dropout', rate: 1 }, out] }, /layers\[1\] \(dropout\): rate must be a number with 0 ≤ rate < 1/],
    ['dropout rate −0.1', { inputShape: image, layers: [{ type: 'flatten' }, { type: 'dropout', rate: -0.1 }, out] }, /rate must be a number with 0 ≤ rate < 1/],
    ['dense on a 3-D input without flatten', { inputShape: image, layers: [conv({}), out] }, /layers\[1\] \(dense\) gets a \[2, 6, 6\] image input: put \{ type: 'flatten' \} before it/],
    ['a pooling window larger than its input', { inputShape: [1, 3, 3], layers: [{ type: 'maxPool2d', poolSize: 4 }, { type: 'flatten' }, out] }, /layers\[0\] \(maxPool2d\): its poolSize 4 is larger/],
    ['conv2d on a flat input', { inputSize: 64, layers: [conv({}), out] }, /layers\[0\] \(conv2d\) needs an image input.*inputShape/],
    ['a misspelt type', { inputShape: image, layers: [{ type: 'conv', filters: 2 }, out] }, /unknown type "conv" \(did you mean "conv2d"\?\)/],
    ['a misspelt key', { inputShape: image, layers: [conv({ kernel_size: 3 }), { type: 'flatten' }, out] }, /kernel_size/],
    ['an image layer last', { inputShape: image, layers: [conv({})] }, /the output layer must be dense/],
    ['inputShape and inputSize disagree', { inputShape: image, inputSize: 63, layers: [{ type: 'flatten' }, out] }, /inputSize 63 does not match inputShape \[1, 8, 8\]/],
  ];
  for (const [what, options, message] of cases) {
    it(what, async () => {
      const made = Sequential.create({ ...(options as { layers: LayerSpec[] }), backend: 'cpu' });
      await expect(made).rejects.toThrow(ConfigError);
      await expect(made).rejects.toThrow(message);
    });
  }

  it('rows that do not match inputShape are a ShapeError naming it', async () => {
    const model = await Sequential.create({ inputShape: [1, 8, 8], layers: [{ type: 'flatten' }, { units: 2, activation: 'softmax' }], backend: 'cpu' });
    await expect(model.fit(new Float32Array(100), new Uint8Array([0]))).rejects.toThrow(ShapeError);
    await expect(model.predict(new Float32Array(100))).rejects.toThrow(/inputShape \[1, 8, 8\]: 64 values per sample/);
  });

  it('setWeights wants null for a layer without parameters', async () => {
    const model = await Sequential.create({ inputShape: [1, 4, 4], layers: [{ type: 'maxPool2d', poolSize: 2 }, { type: 'flatten' }, { units: 2 }], backend: 'cpu' });
    const w = await model.getWeights();
    expect(w[0]).toBeNull();
    await model.setWeights(w); // round trip
    await expect(model.setWeights([{ weight: [], bias: [] }, null, w[2]])).rejects.toThrow(/layer 0 \(maxPool2d\) has no parameters: its entry must be null/);
  });
});

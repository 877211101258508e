// ONNX export (model.toOnnx(), src/io/onnx.ts): briefly trained models (CPU backend) exported and run
// in ONNX Runtime Web's wasm backend (in Node), against predict() on the same rows: |ort − ours| ≤
// 1e-5·|ours| + 1e-6 (the absolute floor for outputs near 0, e.g. small softmax probabilities). Also
// the decoded ModelProto: opset, input/output names and shapes (batch a dim_param), initializers.
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { DisposedError, Sequential, type LayerSpec } from '../src/index';
import { ONNX_OPSET, onnxModelProto } from '../src/io/onnx';

const REL = 1e-5;
const ABS = 1e-6;

beforeAll(() => {
  ort.env.wasm.numThreads = 1; // no worker threads in the test process
});

/** Runs ONNX bytes on rows of x (shape [rows, ...inputDims]) and returns "output". */
async function runOnnx(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<{ values: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['output']);
    const result = await session.run({ input: new ort.Tensor('float32', x, dims) });
    const out = result.output;
    return { values: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

/** The largest |a − b| / (REL·|b| + ABS): ≤ 1 passes. Also returns the largest plain relative error. */
function compare(got: Float32Array, want: Float32Array): { worst: number; maxRel: number } {
  expect(got.length).toBe(want.length);
  let worst = 0;
  let maxRel = 0;
  for (let i = 0; i < want.length; i++) {
    const diff = Math.abs(got[i] - want[i]);
    worst = Math.max(worst, diff / (REL * Math.abs(want[i]) + ABS));
    if (want[i] !== 0) maxRel = Math.max(maxRel, diff / Math.abs(want[i]));
  }
  return { worst, maxRel };
}

const wave = (n: number, a: number, b: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * a) + 0.3 * Math.cos(i * b));

const MLP: LayerSpec[] = [
  { units: 12, activation: 'sigmoid' },
  { units: 10, activation: 'tanh' },
  { type: 'layerNorm', epsilon: 1e-4 },
  { units: 9, activation: 'relu' },
  { type: 'dropout', rate: 0.2 },
  { units: 8, activation: 'leakyRelu', slope: 0.2 },
  { units: 7 }, // linear
  { units: 4, activation: 'softmax' },
];

const CNN: LayerSpec[] = [
  { type: 'randomShift', maxShift: 1 },
  { type: 'conv2d', filters: 3, kernelSize: [3, 2], padding: 1, activation: 'relu' },
  { type: 'maxPool2d', poolSize: 2 },
  { type: 'layerNorm' },
  { type: 'conv2d', filters: 4, kernelSize: 2, stride: [1, 2], padding: [1, 0], activation: 'tanh' },
  { type: 'avgPool2d', poolSize: [2, 1], stride: 1 },
  { type: 'conv2d', filters: 2, kernelSize: 1, activation: 'leakyRelu', slope: 0.05 },
  { type: 'flatten' },
  { type: 'dropout', rate: 0.3 },
  { units: 6, activation: 'sigmoid' },
  { units: 3, activation: 'softmax' },
];

describe('model.toOnnx()', () => {
  it('exports an MLP with every activation that ONNX Runtime runs as predict() does', async () => {
    const rows = 40;
    const x = wave(rows * 6, 0.37, 1.3);
    const labels = Uint8Array.from({ length: rows }, (_, i) => (i * 5) % 4);
    const model = await Sequential.create({ inputSize: 6, layers: MLP, seed: 2, backend: 'cpu' });
    await model.fit(x, labels, { epochs: 5, batchSize: 8, learningRate: 0.05 });
    const bytes = await model.toOnnx();
    expect(bytes).toBeInstanceOf(Uint8Array);
    const ours = await model.predict(x);
    const theirs = await runOnnx(bytes, x, [rows, 6]);
    expect(theirs.dims).toEqual([rows, 4]);
    const { worst, maxRel } = compare(theirs.values, ours);
    console.log(`MLP: max relative error ${maxRel.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1);
    // A different batch size runs on the same model (batch is dynamic).
    const one = await runOnnx(bytes, x.subarray(0, 6), [1, 6]);
    expect(compare(one.values, ours.subarray(0, 4)).worst).toBeLessThanOrEqual(1);
    model.dispose();
  });

  it('exports a regression MLP whose output is a linear dense layer (the Gemm writes "output")', async () => {
    const rows = 16;
    const x = wave(rows * 3, 0.9, 0.4);
    const y = wave(rows * 2, 0.5, 0.8);
    const model = await Sequential.create({ inputSize: 3, layers: [{ units: 5, activation: 'tanh' }, { units: 2 }], loss: 'mse', seed: 4, backend: 'cpu' });
    await model.fit(x, y, { epochs: 3, batchSize: 4 });
    const theirs = await runOnnx(await model.toOnnx(), x, [rows, 3]);
    expect(compare(theirs.values, await model.predict(x)).worst).toBeLessThanOrEqual(1);
    model.dispose();
  });

  it('exports a CNN with every layer type that ONNX Runtime runs as predict() does', async () => {
    const rows = 24;
    const shape: [number, number, number] = [2, 9, 8];
    const x = wave(rows * 2 * 9 * 8, 0.37, 1.3);
    const labels = Uint8Array.from({ length: rows }, (_, i) => (i * 7) % 3);
    const model = await Sequential.create({ inputShape: shape, layers: CNN, seed: 3, backend: 'cpu' });
    await model.fit(x, labels, { epochs: 4, batchSize: 8, optimizer: 'momentum', learningRate: 0.05 });
    const bytes = await model.toOnnx();
    const ours = await model.predict(x);
    const theirs = await runOnnx(bytes, x, [rows, ...shape]);
    expect(theirs.dims).toEqual([rows, 3]);
    const { worst, maxRel } = compare(theirs.values, ours);
    console.log(`CNN: max relative error ${maxRel.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1);
    model.dispose();
  });

  it('writes opset 17, "input" [batch, C, H, W] with a dynamic batch, "output" [batch, units] and the weights as initializers', async () => {
    const model = await Sequential.create({ inputShape: [2, 9, 8], layers: CNN, seed: 5, backend: 'cpu' });
    const decoded = onnxModelProto().toObject(onnxModelProto().decode(await model.toOnnx()), { longs: Number, defaults: false }) as {
      irVersion: number;
      opsetImport: { domain?: string; version: number }[];
      graph: {
        node: { opType: string }[];
        input: { name: string; type: { tensorType: { elemType: number; shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[];
        output: { name: string; type: { tensorType: { shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }[];
        initializer: { name: string; dims: number[]; rawData: Uint8Array }[];
      };
    };
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport).toEqual([{ version: ONNX_OPSET }]);
    expect(ONNX_OPSET).toBeGreaterThanOrEqual(17);
    const [input] = decoded.graph.input;
    expect(input.name).toBe('input');
    expect(input.type.tensorType.elemType).toBe(1); // FLOAT
    expect(input.type.tensorType.shape.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 2 }, { dimValue: 9 }, { dimValue: 8 }]);
    expect(decoded.graph.output.map((o) => o.name)).toEqual(['output']);
    expect(decoded.graph.output[0].type.tensorType.shape.dim).toEqual([{ dimParam: 'batch' }, { dimValue: 3 }]);
    expect(decoded.graph.node.map((n) => n.opType)).toEqual([
      'Conv', 'Relu', 'MaxPool', 'LayerNormalization', 'Conv', 'Tanh', 'AveragePool', 'Conv', 'LeakyRelu', 'Flatten', 'Gemm', 'Sigmoid', 'Gemm', 'Softmax',
    ]);
    const w = await model.getWeights();
    const init = Object.fromEntries(decoded.graph.initializer.map((t) => [t.name, t]));
    // Layer 0 is the random shift: no node, no initializer (training-time augmentation only).
    expect(init['layers.1.weight'].dims).toEqual([3, 2, 3, 2]);
    expect(init['layers.3.weight'].dims).toEqual([3, 4, 4]);
    expect(init['layers.10.weight'].dims).toEqual([3, 6]);
    const raw = init['layers.1.weight'].rawData;
    expect(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))).toEqual(w[1]!.weight);
    // An MLP's input is [batch, inputSize].
    const mlp = await Sequential.create({ inputSize: 6, layers: MLP, backend: 'cpu' });
    const flat = onnxModelProto().decode(await mlp.toOnnx()) as unknown as typeof decoded;
    expect(flat.graph.input[0].type.tensorType.shape.dim.map((d) => d.dimParam || Number(d.dimValue))).toEqual(['batch', 6]);
    model.dispose();
    mlp.dispose();
    await expect(mlp.toOnnx()).rejects.toBeInstanceOf(DisposedError);
  });
});

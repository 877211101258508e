// Hundreds of malformed inputs thrown at the public API. Each must be refused with a typed error
// (a WebGPUTrainError subclass, not a TypeError or RangeError from deep inside) whose message says
// something useful, without losing the device or causing a WebGPU validation error; afterwards the
// model still trains to the same result as the CPU reference.
import { describe, expect, it } from 'vitest';
import { Sequential, WebGPUTrainError, type ModelOptions } from '../src/index';
import { randomArray, testContext, worstExcess } from './helpers/gpu';

const good: Omit<ModelOptions, 'backend'> = {
  inputSize: 4,
  layers: [{ units: 6, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
  init: 'xavier',
  seed: 5,
};
const rows = 12;
const x = randomArray(31, rows * 4);
const labels = Uint8Array.from({ length: rows }, (_, i) => i % 3);

const badX: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['a string', 'pixels'],
  ['a number', 42],
  ['an object', { length: 48 }],
  ['an empty Float32Array', new Float32Array(0)],
  ['an empty array', []],
  ['a length not a multiple of inputSize', new Float32Array(rows * 4 + 1)],
  ['one value short', new Float32Array(rows * 4 - 1)],
  ['NaN inside', Float32Array.from(x, (v, i) => (i === 17 ? NaN : v))],
  ['Infinity inside', Float32Array.from(x, (v, i) => (i === 3 ? Infinity : v))],
  ['-Infinity inside', Float32Array.from(x, (v, i) => (i === 40 ? -Infinity : v))],
  ['a Float64 beyond float32 range', Float64Array.from(x, (v, i) => (i === 5 ? 1e300 : v))],
  ['an Int32Array', new Int32Array(rows * 4)],
  ['a Uint8Array', new Uint8Array(rows * 4)],
  ['a BigInt64Array', new BigInt64Array(rows * 4)],
  ['an ArrayBuffer', new ArrayBuffer(rows * 16)],
  ['strings in an array', Array.from({ length: rows * 4 }, () => '1')],
  ['a null in an array', Array.from({ length: rows * 4 }, (_, i) => (i === 7 ? null : 0.5))],
  ['rows of the wrong width', Array.from({ length: rows }, () => [1, 2, 3])],
  ['a ragged row', Array.from({ length: rows }, (_, r) => (r === 4 ? [1, 2, 3, 4, 5] : [1, 2, 3, 4]))],
  ['a row that is a string', Array.from({ length: rows }, (_, r) => (r === 2 ? 'abcd' : [1, 2, 3, 4]))],
  ['a NaN in a row', Array.from({ length: rows }, (_, r) => (r === 1 ? [1, NaN, 3, 4] : [1, 2, 3, 4]))],
];

const badY: [string, unknown][] = [
  ['null', null],
  ['a string', 'labels'],
  ['too few labels', labels.subarray(0, rows - 1)],
  ['too many labels', new Uint8Array(rows + 1)],
  ['a label equal to the class count', Uint8Array.from(labels, (v, i) => (i === 3 ? 3 : v))],
  ['a negative label', Int32Array.from(labels, (v, i) => (i === 0 ? -1 : v))],
  ['a fractional label', Float32Array.from(labels, (v, i) => (i === 2 ? 1.5 : v))],
  ['a NaN label', Float32Array.from(labels, (v, i) => (i === 2 ? NaN : v))],
  ['one-hot rows of the wrong width', new Float32Array(rows * 4)],
  ['targets with NaN', Float32Array.from({ length: rows * 3 }, (_, i) => (i === 5 ? NaN : 0))],
  ['negative cross-entropy targets', Float32Array.from({ length: rows * 3 }, (_, i) => (i === 5 ? -0.5 : 0))],
  ['an empty array', []],
  ['labels as strings', Array.from({ length: rows }, () => 'cat')],
  ['labels as numeric strings', Array.from({ length: rows }, (_, i) => String(i % 3))],
  ['one-hot rows with a string', Array.from({ length: rows }, (_, i) => (i === 4 ? [0, '1', 0] : [1, 0, 0]))],
];

const badFit: [string, Record<string, unknown>][] = [
  ...[0, -1, 1.5, NaN, Infinity, '3', 1e9].map((v): [string, Record<string, unknown>] => [`epochs ${String(v)}`, { epochs: v }]),
  ...[0, -4, 2.5, NaN, '8', rows + 1, 1e12, 'whole'].map((v): [string, Record<string, unknown>] => [`batchSize ${String(v)}`, { batchSize: v }]),
  ...[0, -0.1, NaN, Infinity, '0.1'].map((v): [string, Record<string, unknown>] => [`learningRate ${String(v)}`, { learningRate: v }]),
  ...[1, -0.1, 1.5, NaN, '0.9'].map((v): [string, Record<string, unknown>] => [`momentum ${String(v)}`, { optimizer: 'momentum', momentum: v }]),
  ...['adagrad', '', 'SGD', 'Adam', 3].map((v): [string, Record<string, unknown>] => [`optimizer ${String(v)}`, { optimizer: v }]),
  // Optimizer options out of range, or given to an optimizer that does not take them.
  ...[1, -0.1, 1.5, NaN, '0.9'].flatMap((v): [string, Record<string, unknown>][] => [
    [`beta1 ${String(v)}`, { optimizer: 'adam', beta1: v }],
    [`beta2 ${String(v)}`, { optimizer: 'adamw', beta2: v }],
    [`rho ${String(v)}`, { optimizer: 'rmsprop', rho: v }],
    [`nesterov momentum ${String(v)}`, { optimizer: 'nesterov', momentum: v }],
  ]),
  ...[0, -1e-8, NaN, Infinity, '1e-8'].map((v): [string, Record<string, unknown>] => [`epsilon ${String(v)}`, { optimizer: 'adam', epsilon: v }]),
  ...[-0.01, NaN, Infinity, '0.01'].map((v): [string, Record<string, unknown>] => [`weightDecay ${String(v)}`, { optimizer: 'adamw', weightDecay: v }]),
  ...[0, -1, NaN, Infinity, '1'].map((v): [string, Record<string, unknown>] => [`clipNorm ${String(v)}`, { optimizer: 'sgd', clipNorm: v }]),
  ['momentum for sgd', { optimizer: 'sgd', momentum: 0.9 }],
  ['beta1 for momentum', { optimizer: 'momentum', beta1: 0.9 }],
  ['rho for adam', { optimizer: 'adam', rho: 0.9 }],
  ['epsilon for sgd', { epsilon: 1e-8 }],
  ['momentum for rmsprop', { optimizer: 'rmsprop', momentum: 0.9 }],
  ...[
    'cosin',
    { type: 'step', gamma: 0 },
    { type: 'step', stepSize: 0 },
    { type: 'cosine', floor: -1 },
    { type: 'cosine', warmupSteps: 1.5 },
    { type: 'exponential', gamma: 2 },
    { type: 'constant', stepSize: 3 },
    { warmup: 10 },
  ].map((v): [string, Record<string, unknown>] => [`schedule ${JSON.stringify(v)}`, { schedule: v }]),
  ['shuffle as a string', { shuffle: 'yes' }],
  ['onProgress not a function', { onProgress: 5 }],
  ['checkpointEvery negative', { checkpointEvery: -1 }],
  ['checkpointEvery fractional', { checkpointEvery: 0.5 }],
  // Misspelled options: refused (naming the nearest key), never silently ignored.
  ...['epoch', 'learningrate', 'optimiser', 'batchsize', 'lr', 'callback', 'Epochs'].map((k): [string, Record<string, unknown>] => [`the unknown option ${k}`, { [k]: 1 }]),
];

const badConfigs: [string, unknown][] = [
  ['null options', null],
  ['a string', 'mlp'],
  ...[0, -1, 1.5, NaN, Infinity, '4', 1e12].map((v): [string, unknown] => [`inputSize ${String(v)}`, { ...good, inputSize: v }]),
  ['no layers', { ...good, layers: [] }],
  ['layers not an array', { ...good, layers: { units: 3 } }],
  ['a null layer', { ...good, layers: [null] }],
  ['a layer without units', { ...good, layers: [{}] }],
  ...[0, -3, 2.5, NaN, '3', 1e12].map((v): [string, unknown] => [`units ${String(v)}`, { ...good, layers: [{ units: v }] }]),
  ...['swish', 'ReLU', '', 7].map((v): [string, unknown] => [`activation ${String(v)}`, { ...good, layers: [{ units: 3, activation: v }] }]),
  ['softmax on a hidden layer', { ...good, layers: [{ units: 3, activation: 'softmax' }, { units: 2 }] }],
  ['leaky slope NaN', { ...good, layers: [{ units: 3, activation: 'leakyRelu', slope: NaN }] }],
  ...['hinge', 'MSE', 5].map((v): [string, unknown] => [`loss ${String(v)}`, { ...good, loss: v }]),
  ['crossEntropy on a sigmoid output', { ...good, layers: [{ units: 3, activation: 'sigmoid' }], loss: 'crossEntropy' }],
  ['binaryCrossEntropy on a linear output', { ...good, layers: [{ units: 3 }], loss: 'binaryCrossEntropy' }],
  ['mse on a softmax output', { ...good, loss: 'mse' }],
  ...['glorot', 'zeros', 1].map((v): [string, unknown] => [`init ${String(v)}`, { ...good, init: v }]),
  ...[-1, 1.5, 2 ** 33, 'seed', NaN].map((v): [string, unknown] => [`seed ${String(v)}`, { ...good, seed: v }]),
  ['a model too large to hold', { ...good, inputSize: 1 << 24, layers: [{ units: 1 << 24 }] }],
  ['an unknown backend', { ...good, backend: 'tpu' }],
  ['a misspelled layer option', { ...good, layers: [{ units: 8, activations: 'tanh' }, { units: 3, activation: 'softmax' }] }],
  ['an unknown layer option', { ...good, layers: [{ units: 8, dropout: 0.5 }, { units: 3, activation: 'softmax' }] }],
  ['lossFn instead of loss', { ...good, lossFn: 'crossEntropy' }],
  ['a misspelled inputSize', { ...good, inputsize: 4 }],
  ['a layer that is an array', { ...good, layers: [[8, 'tanh']] }],
  ['a 1-unit softmax output', { ...good, layers: [{ units: 1, activation: 'softmax' }] }],
  ['a backend object that is not a context', { ...good, backend: {} }],
];

async function expectTyped(what: string, call: () => Promise<unknown>): Promise<void> {
  let error: unknown = null;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(error, `${what} was accepted`).toBeInstanceOf(WebGPUTrainError);
  expect((error as Error).message.length, `${what}: message too short`).toBeGreaterThan(20);
}

describe('hostile input', () => {
  it('every malformed input gets a typed error; the model then trains like the CPU reference', async () => {
    const ctx = await testContext();
    const gpu = await Sequential.create({ ...good, backend: ctx });
    let count = 0;
    const check = async (what: string, call: () => Promise<unknown>) => {
      await expectTyped(what, call);
      ctx.assertHealthy(); // no device loss, no uncaptured validation error
      count++;
    };
    for (const [name, bad] of badX) {
      await check(`fit x ${name}`, () => gpu.fit(bad as never, labels));
      await check(`predict x ${name}`, () => gpu.predict(bad as never));
      await check(`evaluate x ${name}`, () => gpu.evaluate(bad as never, labels));
      await check(`gradients x ${name}`, () => gpu.gradients(bad as never, labels));
    }
    for (const [name, bad] of badY) {
      await check(`fit y ${name}`, () => gpu.fit(x, bad as never));
      await check(`evaluate y ${name}`, () => gpu.evaluate(x, bad as never));
      await check(`gradients y ${name}`, () => gpu.gradients(x, bad as never));
    }
    // batchSize 4 is valid for these 12 rows, so each case fails for its own bad value only.
    for (const [name, bad] of badFit) await check(`fit ${name}`, () => gpu.fit(x, labels, { batchSize: 4, ...bad } as never));
    for (const [name, bad] of badConfigs) {
      await check(`create ${name}`, () => Sequential.create({ backend: ctx, ...(bad as object) } as never).then((m) => m.dispose()));
      if (bad === null || typeof bad !== 'object') await check(`create ${name} (as given)`, () => Sequential.create(bad as never));
    }
    const weights = await gpu.getWeights();
    const badWeights: [string, unknown][] = [
      ['null', null],
      ['one layer missing', weights.slice(0, 1)],
      ['a weight too short', [{ ...weights[0], weight: weights[0]!.weight.subarray(1) }, weights[1]]],
      ['a bias as number[] with a string', [{ ...weights[0], bias: Array.from(weights[0]!.bias, (v, i) => (i ? v : '0')) }, weights[1]]],
      ['a weight as number[] one short', [{ ...weights[0], weight: Array.from(weights[0]!.weight).slice(1) }, weights[1]]],
      ['a Float64 weight beyond float32 range', [{ ...weights[0], weight: Float64Array.from(weights[0]!.weight, (v, i) => (i ? v : 1e300)) }, weights[1]]],
      ['a NaN weight', [{ ...weights[0], weight: weights[0]!.weight.map((v, i) => (i ? v : NaN)) }, weights[1]]],
      ['a layer without bias', [{ weight: weights[0]!.weight }, weights[1]]],
    ];
    for (const [name, bad] of badWeights) await check(`setWeights ${name}`, () => gpu.setWeights(bad as never));
    await check('evaluate with an unknown option', () => gpu.evaluate(x, labels, { batchSize: 4 } as never));
    await check('predict with an unknown option', () => gpu.predict(x, { batch: 4 } as never));
    await check('load with a misspelled option', () => gpu.save().then((f) => Sequential.load(f, { backed: ctx } as never)));
    const softmaxBackward = () => gpu.backward(x, new Float32Array(rows * 3));
    await check('backward through a softmax output', softmaxBackward);
    const garbage: [string, unknown][] = [
      ['null', null],
      ['three bytes', new Uint8Array(3)],
      ['a huge header length', new Uint8Array([255, 255, 255, 255, 0, 0, 0, 0, 123])],
      ['a header that is not JSON', new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0, 110, 111, 112, 101])],
      ['another format', new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0, 123, 125])],
    ];
    // Files with a well-formed length prefix around a hostile JSON header, and real checkpoints with a
    // damaged RNG state.
    const withHeader = (header: unknown) => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const file = new Uint8Array(8 + json.length);
      new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
      file.set(json, 8);
      return file;
    };
    garbage.push(
      ['a null header', withHeader(null)],
      ['a header that is an array', withHeader([1, 2])],
      ['a null tensor entry', withHeader({ 'layers.0.weight': null })],
      ['a shape that is not an array', withHeader({ 'layers.0.weight': { dtype: 'F32', shape: 'big', data_offsets: [0, 4] } })],
      ['offsets that are not numbers', withHeader({ 'layers.0.weight': { dtype: 'F32', shape: [1], data_offsets: ['a', 'b'] } })],
      ['a null __metadata__', withHeader({ __metadata__: null })],
    );
    const saved = await gpu.save();
    const { header } = (() => {
      const n = Number(new DataView(saved.buffer, saved.byteOffset).getBigUint64(0, true));
      return { header: JSON.parse(new TextDecoder().decode(saved.subarray(8, 8 + n))) };
    })();
    const dataPart = saved.subarray(8 + Number(new DataView(saved.buffer, saved.byteOffset).getBigUint64(0, true)));
    for (const rng of ['"x"', '[1,2]', '{}', 'null', '[0,0,0,0,null]', '[1,2,3,4.5,null]']) {
      const json = new TextEncoder().encode(JSON.stringify({ ...header, __metadata__: { ...header.__metadata__, rng } }));
      const file = new Uint8Array(8 + json.length + dataPart.length);
      new DataView(file.buffer).setBigUint64(0, BigInt(json.length), true);
      file.set(json, 8);
      file.set(dataPart, 8 + json.length);
      garbage.push([`a checkpoint whose RNG state is ${rng}`, file]);
    }
    for (const [name, bad] of garbage) await check(`load ${name}`, () => Sequential.load(bad as never, { backend: ctx }));
    expect(count).toBeGreaterThanOrEqual(200);

    // Still a working model: the same training as a fresh CPU model from the same seed.
    const cpu = await Sequential.create({ ...good, backend: 'cpu' });
    const fit = { epochs: 5, batchSize: 4, optimizer: 'momentum' as const, learningRate: 0.1 };
    const [hg, hc] = [await gpu.fit(x, labels, fit), await cpu.fit(x, labels, fit)];
    expect(worstExcess(hg.loss, hc.loss, 0, 1e-4)).toBeLessThanOrEqual(0);
    ctx.assertHealthy();
    gpu.dispose();
  });
});

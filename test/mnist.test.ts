// `npm run train`'s pieces: the seeded MNIST split (src/io/mnist.ts, mnist_node.ts), the flag parser
// (scripts/train-args.ts), the script's exit codes, and a short real training run on the digits.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Sequential, type GpuContext } from '../src/index';
import { MNIST_CLASSES, MNIST_PIXELS, splitMnist, type MnistSet, type MnistSplit } from '../src/io/mnist';
import { loadMnist, readMnistDigits } from '../src/io/mnist_node';
import { testContext } from './helpers/gpu';
import { CNN_DEFAULTS, cnnLayers, DEFAULTS, fitOptimizerOptions, MNIST_CNN_LAYERS, modelLayers, parseTrainArgs, UsageError, type TrainConfig } from '../scripts/train-args';

/** Ten synthetic digit arrays whose images carry their own id (pixel 0) and digit (pixel 1). */
function taggedDigits(counts: number[]): Float32Array[] {
  let id = 0;
  return counts.map((n, digit) => {
    const a = new Float32Array(n * MNIST_PIXELS);
    for (let i = 0; i < n; i++, id++) {
      a[i * MNIST_PIXELS] = id;
      a[i * MNIST_PIXELS + 1] = digit;
    }
    return a;
  });
}

const sameBytes = (a: Float32Array, b: Float32Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const ids = (set: MnistSet) => Array.from({ length: set.size }, (_, r) => set.x[r * MNIST_PIXELS]);
const classCounts = (labels: Uint8Array) => {
  const counts = new Array<number>(MNIST_CLASSES).fill(0);
  for (const l of labels) counts[l]++;
  return counts;
};

describe('splitMnist', () => {
  const counts = [5, 7, 3, 6, 4, 8, 5, 6, 2, 4]; // 50 images
  const digits = taggedDigits(counts);

  it('gives disjoint sets of the asked sizes, with the right label on every image', () => {
    const { train, test } = splitMnist(digits, { trainSize: 30, testSize: 15 });
    expect([train.size, train.x.length, train.labels.length]).toEqual([30, 30 * MNIST_PIXELS, 30]);
    expect([test.size, test.x.length, test.labels.length]).toEqual([15, 15 * MNIST_PIXELS, 15]);
    const trainIds = new Set(ids(train));
    const testIds = new Set(ids(test));
    expect(trainIds.size).toBe(30);
    expect(testIds.size).toBe(15);
    for (const id of testIds) expect(trainIds.has(id)).toBe(false);
    for (const set of [train, test]) {
      for (let r = 0; r < set.size; r++) expect(set.labels[r]).toBe(set.x[r * MNIST_PIXELS + 1]);
    }
  });

  it('is the same for the same seed, different for another, and keeps the test set when the training size changes', () => {
    const a = splitMnist(digits, { trainSize: 30, testSize: 15 });
    const b = splitMnist(digits, { trainSize: 30, testSize: 15 });
    expect(ids(b.train)).toEqual(ids(a.train));
    expect(ids(b.test)).toEqual(ids(a.test));
    const other = splitMnist(digits, { trainSize: 30, testSize: 15, seed: 99 });
    expect(ids(other.train)).not.toEqual(ids(a.train));
    const smaller = splitMnist(digits, { trainSize: 10, testSize: 15 });
    expect(ids(smaller.test)).toEqual(ids(a.test));
    expect(ids(smaller.train)).toEqual(ids(a.train).slice(0, 10));
  });

  it("accepts the package's { data } objects and plain number arrays", () => {
    const wrapped = digits.map((d) => ({ data: Array.from(d) }));
    const a = splitMnist(digits, { trainSize: 20, testSize: 10 });
    const b = splitMnist(wrapped, { trainSize: 20, testSize: 10 });
    expect(b.train.x).toEqual(a.train.x);
    expect(b.test.labels).toEqual(a.test.labels);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => splitMnist(digits.slice(0, 9))).toThrow(/10 arrays/);
    expect(() => splitMnist([...digits.slice(0, 9), new Float32Array(100)])).toThrow(/784-pixel images/);
    expect(() => splitMnist(digits, { trainSize: 40, testSize: 20 })).toThrow(/more than the 50 images/);
    expect(() => splitMnist(digits, { trainSize: 0, testSize: 5 })).toThrow(/trainSize/);
    expect(() => splitMnist(digits, { trainSize: 5, testSize: 2.5 })).toThrow(/testSize/);
  });
});

describe('the MNIST digits of the mnist package', () => {
  let split: MnistSplit;
  beforeAll(async () => {
    split = await loadMnist();
  });

  it('are 10,000 images with the known count of each digit', async () => {
    const digits = await readMnistDigits();
    expect(digits.map((d) => d.length / MNIST_PIXELS)).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it('split by default into 8,000 training and 2,000 held-out images with every digit in both', () => {
    expect(split.train.size).toBe(8000);
    expect(split.test.size).toBe(2000);
    for (const set of [split.train, split.test]) {
      const counts = classCounts(set.labels);
      expect(counts.every((c) => c >= set.size / 20)).toBe(true); // every digit, roughly in proportion
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of set.x) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      expect([lo, hi]).toEqual([0, 1]);
    }
  });

  it('split the same way every time', async () => {
    const again = await loadMnist();
    expect(again.train.labels).toEqual(split.train.labels);
    expect(again.test.labels).toEqual(split.test.labels);
    // Byte-wise: vitest's deep equality takes half a minute on 6 million floats.
    expect(sameBytes(again.train.x, split.train.x)).toBe(true);
    expect(sameBytes(again.test.x, split.test.x)).toBe(true);
  });

  /** The script's training loop in small: the default network and optimizer, epoch by epoch. */
  async function shortRun(backend: GpuContext | 'cpu'): Promise<number> {
    const { train, test } = await loadMnist({ trainSize: 1000, testSize: 1000 });
    const model = await Sequential.create({
      inputSize: MNIST_PIXELS,
      layers: modelLayers(DEFAULTS),
      loss: DEFAULTS.loss,
      init: DEFAULTS.init,
      seed: DEFAULTS.seed,
      backend,
    });
    try {
      const epochs = 2;
      const options = fitOptimizerOptions({ ...DEFAULTS, epochs }, Math.ceil(1000 / DEFAULTS.batchSize));
      for (let epoch = 1; epoch <= epochs; epoch++) {
        await model.fit(train.x, train.labels, { epochs: 1, batchSize: DEFAULTS.batchSize, ...options });
      }
      const { accuracy, loss } = await model.evaluate(test.x, test.labels);
      expect(loss).toBeLessThan(1);
      return accuracy!;
    } finally {
      model.dispose();
    }
  }

  let cpuAccuracy = 0;
  it('train well above chance in a short run (1,000 images, 2 epochs, the script defaults, CPU backend)', async () => {
    cpuAccuracy = await shortRun('cpu');
    expect(cpuAccuracy).toBeGreaterThanOrEqual(0.7);
  });

  it('train as well on WebGPU (the same run on the GPU backend scores the same to rounding)', async () => {
    const ctx = await testContext();
    const accuracy = await shortRun(ctx);
    expect(accuracy).toBeGreaterThanOrEqual(0.7);
    expect(Math.abs(accuracy - cpuAccuracy)).toBeLessThanOrEqual(0.01);
    ctx.assertHealthy();
  });
});

describe('train-mnist flags', () => {
  const parse = (...argv: string[]): TrainConfig => {
    const parsed = parseTrainArgs(argv);
    if (parsed.help) throw new Error('unexpected --help');
    return parsed.config;
  };

  it('has the documented defaults and takes --flag value and --flag=value', () => {
    expect(parse()).toEqual(DEFAULTS);
    const c = parse('--layers', '256,128', '--activation=tanh', '--loss', 'mse', '--optimizer', 'sgd', '--lr', '1e-2', '--momentum', '0',
      '--batch', '16', '--epochs=3', '--seed', '42', '--init', 'xavier', '--train', '500', '--test', '100', '--backend', 'cpu', '--json',
      '--schedule', 'constant', '--save', 'a.safetensors', '--resume=b.safetensors', '--warmup', '5', '--weight-decay', '1e-4', '--clip-norm=2', '--onnx', 'm.onnx');
    expect(c).toEqual({
      model: 'mlp', layers: [256, 128], activation: 'tanh', loss: 'mse', optimizer: 'sgd', learningRate: 0.01, momentum: 0, batchSize: 16, epochs: 3,
      seed: 42, init: 'xavier', trainSize: 500, testSize: 100, backend: 'cpu', json: true, schedule: 'constant',
      save: 'a.safetensors', resume: 'b.safetensors', warmup: 5, weightDecay: 1e-4, clipNorm: 2, onnx: 'm.onnx',
    });
    expect(parse('--layers', 'none').layers).toEqual([]);
    expect(parseTrainArgs(['--lr', '0.1', '--help'])).toEqual({ help: true });
    expect(parseTrainArgs(['-h'])).toEqual({ help: true });
  });

  it('--model cnn takes the CNN defaults, which explicit flags override, and refuses the MLP-only flags', () => {
    const cnn = parse('--model', 'cnn');
    expect(cnn).toEqual({ ...DEFAULTS, ...CNN_DEFAULTS, model: 'cnn' });
    expect(parse('--model=cnn', '--batch', '32', '--epochs', '2', '--lr', '0.1')).toMatchObject({ batchSize: 32, epochs: 2, learningRate: 0.1, warmup: 250 });
    expect(parse('--model', 'cnn', '--optimizer', 'adam').learningRate).toBeNull(); // adam's own default rate then
    expect(() => parse('--model', 'cnn', '--layers', '64')).toThrow(/--layers shapes the MLP; --model cnn trains the fixed CNN/);
    expect(() => parse('--model', 'rnn')).toThrow(/--model must be one of mlp, cnn; got "rnn"/);
    expect(cnnLayers('crossEntropy')).toEqual(MNIST_CNN_LAYERS);
    expect(cnnLayers('mse').at(-1)).toEqual({ units: 10, activation: 'linear' });
  });

  it('puts the output activation that suits each loss on a 10-unit output layer', () => {
    expect(modelLayers(parse('--layers', '32,16')).map((l) => [l.units, l.activation])).toEqual([[32, 'relu'], [16, 'relu'], [10, 'softmax']]);
    expect(modelLayers(parse('--loss', 'binaryCrossEntropy')).at(-1)).toEqual({ units: 10, activation: 'sigmoid' });
    expect(modelLayers(parse('--loss', 'mse', '--layers', 'none'))).toEqual([{ units: 10, activation: 'linear' }]);
  });

  it("hands fit the library's schedule over the whole run and only the options the optimizer takes", () => {
    expect(fitOptimizerOptions(DEFAULTS, 63)).toEqual({
      optimizer: 'momentum', learningRate: 0.2, momentum: 0.9, schedule: { type: 'cosine', warmupSteps: 0, totalSteps: 630 },
    });
    expect(fitOptimizerOptions(parse('--optimizer', 'adam', '--weight-decay', '0.01', '--schedule', 'constant', '--warmup', '10'), 63)).toEqual({
      optimizer: 'adam', learningRate: 0.005, weightDecay: 0.01, schedule: { type: 'constant', warmupSteps: 10 },
    });
    expect(fitOptimizerOptions(parse('--optimizer', 'rmsprop', '--lr', '0.01', '--clip-norm', '1'), 10)).toMatchObject({ learningRate: 0.01, clipNorm: 1 });
  });

  const bad: [string[], RegExp][] = [
    [['--bogus'], /unknown option --bogus/],
    [['--epoch', '3'], /unknown option --epoch; did you mean --epochs\?/],
    [['extra'], /unexpected argument "extra"/],
    [['--lr'], /--lr needs a value/],
    [['--lr', '--json'], /--lr needs a value/],
    [['--lr', 'fast'], /--lr must be a number/],
    [['--lr', '0'], /--lr must be a positive number/],
    [['--lr', '-0.1'], /--lr must be a positive number/],
    [['--lr', 'Infinity'], /--lr must be a number/],
    [['--momentum', '1'], /--momentum must be in \[0, 1\)/],
    [['--batch', '0'], /--batch must be a whole number/],
    [['--batch', '1.5'], /--batch must be a whole number/],
    [['--epochs', 'ten'], /--epochs must be a whole number/],
    [['--epochs', ''], /--epochs must be a whole number/],
    [['--seed', '-1'], /--seed must be a whole number/],
    [['--layers', '128,,64'], /--layers must be hidden layer sizes/],
    [['--layers', '0'], /--layers must be hidden layer sizes/],
    [['--layers', '12x'], /--layers must be hidden layer sizes/],
    [['--activation', 'softmax'], /--activation must be one of linear, sigmoid, tanh, relu, leakyRelu/],
    [['--loss', 'hinge'], /--loss must be one of mse, crossEntropy, binaryCrossEntropy/],
    [['--optimizer', 'adagrad'], /--optimizer must be one of sgd, momentum, nesterov, adam, adamw, rmsprop/],
    [['--weight-decay', '-1'], /--weight-decay must be a number ≥ 0/],
    [['--clip-norm', '0'], /--clip-norm must be a positive number/],
    [['--warmup', '1.5'], /--warmup must be a whole number/],
    [['--init', 'zeros'], /--init must be one of/],
    [['--backend', 'tpu'], /--backend must be one of gpu, cpu/],
    [['--schedule', 'linear'], /--schedule must be one of constant, step, exponential, cosine/],
    [['--json=yes'], /--json takes no value/],
    [['--train', '9000'], /more than the 10000 images/],
    [['--train', '100', '--batch', '128'], /--batch 128 is larger than the training set/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.map((a) => JSON.stringify(a)).join(' ')}`, () => {
      expect(() => parseTrainArgs(argv)).toThrow(UsageError);
      expect(() => parseTrainArgs(argv)).toThrow(message);
    });
  }

  it('make the script exit with code 2 and a one-line message (no stack); --help exits 0', () => {
    const script = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', './scripts/register-raw.mjs', '--import', 'tsx', 'scripts/train-mnist.ts', ...args], {
        encoding: 'utf8',
        timeout: 60_000,
      });
    const bad = script('--lr', 'fast');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe('train-mnist: --lr must be a number, got "fast"');
    expect(bad.stdout).toBe('');
    const help = script('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: npm run train -- \[options\]/);
  });

  it('--save then --resume continues exactly as one uninterrupted run (CPU backend)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'train-mnist-'));
    const run = (...args: string[]) => {
      const r = spawnSync(
        process.execPath,
        ['--import', './scripts/register-raw.mjs', '--import', 'tsx', 'scripts/train-mnist.ts', '--backend', 'cpu', '--train', '500', '--test', '200', '--batch', '50', '--json', ...args],
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { testLoss: number; accuracy: number; epochs: { epoch: number }[] };
    };
    const checkpoint = join(dir, 'mnist.safetensors');
    // A constant rate (the cosine spans the epochs asked for, so 2 then 3 is not one run of 3), with
    // Adam: the resumed run picks up Adam's moments and step count from the checkpoint.
    const partial = run('--epochs', '2', '--schedule', 'constant', '--optimizer', 'adam', '--save', checkpoint);
    const resumed = run('--epochs', '3', '--schedule', 'constant', '--optimizer', 'adam', '--resume', checkpoint);
    const constant = run('--epochs', '3', '--schedule', 'constant', '--optimizer', 'adam');
    expect(partial.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(resumed.epochs.map((e) => e.epoch)).toEqual([3]);
    expect(resumed.testLoss).toBe(constant.testLoss);
    expect(resumed.accuracy).toBe(constant.accuracy);
    rmSync(dir, { recursive: true, force: true });
  });
});

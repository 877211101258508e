// Keras-style fit: validationData / validationSplit, per-epoch validation loss and accuracy in the
// history, progress reports and onEpochEnd, early stopping (patience, minDelta, restoreBest), and
// callbacks that stop training. Hand-checkable cases on the CPU backend, and one GPU-vs-CPU check.
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, Sequential, ShapeError, TrainingDivergedError, type FitOptions, type ModelOptions, type Progress } from '../src/index';
import { randomArray, testContext } from './helpers/gpu';
import { errorOf } from './helpers/errors';

type EpochEnd = Parameters<NonNullable<FitOptions['onEpochEnd']>>[0];

// A classifier on 12 rows of 3 features, 3 classes.
const rows = 12;
const x = randomArray(21, rows * 3, -1, 1);
const labels = Uint8Array.from({ length: rows }, (_, i) => (i * 5) % 3);
const classifier: ModelOptions = {
  inputSize: 3,
  layers: [{ units: 6, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
  seed: 3,
  backend: 'cpu',
};

// One linear unit y = w·x + b from w = b = 0, trained on y = 2x and validated on y = x, full batch:
// the mean squared error's gradient is 1.25·(w − 2), so with rate 0.08 and momentum 0.3 (real
// roots 0.85 and 0.35: no overshoot) w rises steadily towards 2. The validation loss 0.625·(w − 1)²
// falls while w nears 1 and rises after it passes 1 (a crafted U-shaped curve: 0.4, 0.196, 0.0689,
// 0.0106, 0.00116, 0.0228, 0.0624, ...: best at epoch 5), while the training loss falls every epoch
// (2.5, 2.025, 1.521, 1.109, 0.799, 0.572, 0.409, 0.292, 0.209, 0.149, 0.106, 0.076, ...).
const line = { x: [-1, -0.5, 0.5, 1], train: [-2, -1, 1, 2], val: [-1, -0.5, 0.5, 1] };
const linear: ModelOptions = { inputSize: 1, layers: [{ units: 1 }], loss: 'mse', seed: 5, backend: 'cpu' };
const lineFit: FitOptions = { epochs: 14, batchSize: 'full', shuffle: false, optimizer: 'momentum', learningRate: 0.08, momentum: 0.3, validationData: [line.x, line.val] };

async function lineModel(): Promise<Sequential> {
  const model = await Sequential.create(linear);
  await model.setWeights([{ weight: [0], bias: [0] }]);
  return model;
}

/** The validation losses of the crafted run, every epoch (no early stopping). */
async function lineCurve(): Promise<number[]> {
  const history = await (await lineModel()).fit(line.x, line.train, lineFit);
  return history.valLoss!;
}

describe('validation data', () => {
  it('validationSplit validates on exactly the last rows (taken before shuffling) and trains on the rest', async () => {
    // 12 rows, split 0.25: rows 9, 10, 11 validate (floor(12 · 0.75) = 9 train, as Keras).
    const options: FitOptions = { epochs: 4, batchSize: 4, optimizer: 'momentum', learningRate: 0.2 };
    const a = await Sequential.create(classifier);
    const split = await a.fit(x, labels, { ...options, validationSplit: 0.25 });
    const b = await Sequential.create(classifier);
    const given = await b.fit(x.slice(0, 9 * 3), labels.slice(0, 9), { ...options, validationData: [x.slice(9 * 3), labels.slice(9)] });
    expect(split).toEqual(given);
    expect(split.valLoss).toHaveLength(4);
    expect(split.valAccuracy).toHaveLength(4);
    expect(await a.getWeights()).toEqual(await b.getWeights());
    expect(a.progress).toEqual({ epochs: 4, steps: 4 * 3 }); // 9 training rows: 3 steps of 4
  });

  it('valLoss and valAccuracy equal evaluate() on the validation set after each epoch; training is not disturbed', async () => {
    const xv = randomArray(22, 5 * 3, -1, 1);
    const yv = [0, 1, 2, 2, 1];
    const options: FitOptions = { epochs: 3, batchSize: 4, learningRate: 0.3, validationData: [xv, yv] };
    const model = await Sequential.create(classifier);
    const evaluated: { loss: number; accuracy?: number }[] = [];
    const infos: EpochEnd[] = [];
    const reports: Progress[] = [];
    const history = await model.fit(x, labels, {
      ...options,
      onProgress: (p) => p.epochDone && reports.push(p),
      onEpochEnd: async (info) => {
        infos.push(info);
        evaluated.push(await model.evaluate(xv, yv)); // runs between the epochs, not after fit
      },
    });
    expect(history.valLoss).toEqual(evaluated.map((e) => e.loss));
    expect(history.valAccuracy).toEqual(evaluated.map((e) => e.accuracy));
    expect(infos.map((i) => [i.epoch, i.epochs, i.loss, i.valLoss, i.valAccuracy])).toEqual(history.loss.map((l, k) => [k + 1, 3, l, history.valLoss![k], history.valAccuracy![k]]));
    expect(reports.map((p) => [p.valLoss, p.valAccuracy])).toEqual(history.valLoss!.map((l, k) => [l, history.valAccuracy![k]]));
    expect(infos.every((i) => i.seconds > 0 && i.samplesPerSecond > 0 && i.validationSeconds >= 0)).toBe(true);
    // The same fit without validation or callbacks trains identically.
    const plain = await Sequential.create(classifier);
    const { validationData: _, ...noValidation } = options;
    expect((await plain.fit(x, labels, noValidation)).loss).toEqual(history.loss);
    expect(await plain.getWeights()).toEqual(await model.getWeights());
  });

  it('regression targets give valLoss without valAccuracy; without validation neither is there', async () => {
    const model = await lineModel();
    const history = await model.fit(line.x, line.train, { epochs: 2, validationData: [line.x, line.val] });
    expect(history.valLoss).toHaveLength(2);
    expect(history.valAccuracy).toBeUndefined();
    expect(history.valLoss![1]).toBe((await model.evaluate(line.x, line.val)).loss);
    const plain = await model.fit(line.x, line.train, { epochs: 2 });
    expect(plain).toEqual({ loss: plain.loss, stoppedEarly: false, bestEpoch: plain.bestEpoch });
  });

  it('a validation loss that is not finite stops fit with TrainingDivergedError, keeping the epoch', async () => {
    const model = await lineModel();
    const error = await errorOf(() => model.fit(line.x, line.train, { epochs: 3, validationData: [[3e38], [0]] }));
    expect(error).toBeInstanceOf(TrainingDivergedError);
    expect(error.message).toMatch(/validation loss became .* after epoch 1 .*rescale/);
    expect(model.progress.epochs).toBe(1);
  });
});

describe('early stopping', () => {
  it('the crafted validation curve falls, then rises', async () => {
    const curve = await lineCurve();
    const best = curve.indexOf(Math.min(...curve));
    expect(best + 1).toBe(5);
    expect(curve[0]).toBeCloseTo(0.4, 6); // 0.625·(0 − 1)²
    for (let k = 1; k <= best; k++) expect(curve[k]).toBeLessThan(curve[k - 1]);
    for (let k = best + 1; k < curve.length; k++) expect(curve[k]).toBeGreaterThan(curve[k - 1]);
  });

  it.each([0, 1, 3])('patience %i stops that many epochs after the best (at least one), with the same numbers up to there', async (patience) => {
    const curve = await lineCurve();
    const best = curve.indexOf(Math.min(...curve)) + 1; // 1-based
    const model = await lineModel();
    const history = await model.fit(line.x, line.train, { ...lineFit, earlyStopping: { patience } });
    const stop = best + Math.max(1, patience);
    expect(history.loss).toHaveLength(stop);
    expect(history.valLoss).toEqual(curve.slice(0, stop));
    expect(history.stoppedEarly).toBe(true);
    expect(history.bestEpoch).toBe(best);
    expect(model.progress.epochs).toBe(stop);
  });

  it('minDelta: an epoch improves only by beating the best by more than minDelta', async () => {
    // Drops of the validation loss: 0.204, 0.127, 0.058, then 0.0094 into epoch 5: with minDelta 0.01
    // epoch 5 is no improvement, so patience 0 stops there and epoch 4 stays the best.
    const curve = await lineCurve();
    expect(curve[3] - curve[4]).toBeLessThan(0.01);
    expect(curve[2] - curve[3]).toBeGreaterThan(0.01);
    const model = await lineModel();
    const history = await model.fit(line.x, line.train, { ...lineFit, earlyStopping: { patience: 0, minDelta: 0.01 } });
    expect(history.valLoss).toEqual(curve.slice(0, 5));
    expect(history.bestEpoch).toBe(4);
    expect(history.stoppedEarly).toBe(true);
  });

  it("monitor 'loss' watches the training loss (falling here, so only minDelta can stop it)", async () => {
    const model = await lineModel();
    const full = await model.fit(line.x, line.train, { ...lineFit, validationData: undefined, earlyStopping: { monitor: 'loss', patience: 2 } });
    expect(full.stoppedEarly).toBe(false);
    expect(full.bestEpoch).toBe(14);
    // Drops of the training loss: ..., 0.0836 into epoch 9, 0.0597 into 10, 0.0426 into 11: with
    // minDelta 0.05, epoch 11 is the first that does not improve enough, and patience 1 stops there.
    expect(full.loss[9] - full.loss[10]).toBeLessThan(0.05);
    expect(full.loss[8] - full.loss[9]).toBeGreaterThan(0.05);
    const again = await lineModel();
    const history = await again.fit(line.x, line.train, { ...lineFit, validationData: undefined, earlyStopping: { monitor: 'loss', minDelta: 0.05, patience: 1 } });
    expect(history.loss).toEqual(full.loss.slice(0, 11));
    expect(history.bestEpoch).toBe(10);
    expect(history.stoppedEarly).toBe(true);
  });

  it.each([1, 0])('restoreBest puts back the best epoch’s weights and optimizer state exactly (checkpointEvery %i)', async (checkpointEvery) => {
    const model = await lineModel();
    const saved: unknown[] = [];
    const history = await model.fit(line.x, line.train, {
      ...lineFit,
      checkpointEvery,
      earlyStopping: { patience: 2, restoreBest: true },
      onEpochEnd: async () => void saved.push(await model.getWeights()),
    });
    expect(history.stoppedEarly).toBe(true);
    expect(history.bestEpoch).toBe(history.loss.length - 2);
    expect(await model.getWeights()).toEqual(saved[history.bestEpoch - 1]);
    if (checkpointEvery) {
      // lastCheckpoint is the restored state.
      const loaded = await Sequential.load(model.lastCheckpoint!, { backend: 'cpu' });
      expect(await loaded.getWeights()).toEqual(saved[history.bestEpoch - 1]);
    }
    // Counters go on; the weights and momentum are the best epoch's: one more epoch from here equals
    // one more epoch after training only up to the best epoch (full batch, no shuffle, constant rate).
    expect(model.progress.epochs).toBe(history.loss.length);
    const reference = await lineModel();
    await reference.fit(line.x, line.train, { ...lineFit, epochs: history.bestEpoch });
    const next: FitOptions = { ...lineFit, epochs: 1, validationData: undefined };
    await Promise.all([model.fit(line.x, line.train, next), reference.fit(line.x, line.train, next)]);
    expect(await model.getWeights()).toEqual(await reference.getWeights());
  });

  it('restoreBest leaves the model alone when the last epoch is the best', async () => {
    const model = await lineModel();
    const history = await model.fit(line.x, line.train, { ...lineFit, epochs: 3, earlyStopping: { restoreBest: true } });
    expect(history.bestEpoch).toBe(3);
    expect(history.stoppedEarly).toBe(false);
    const reference = await lineModel();
    await reference.fit(line.x, line.train, { ...lineFit, epochs: 3 });
    expect(await model.getWeights()).toEqual(await reference.getWeights());
  });
});

describe('onEpochEnd', () => {
  it.each([
    ['false', () => false],
    ['a promise of false', async () => false],
  ])('returning %s stops after that epoch', async (_, verdict) => {
    const model = await Sequential.create(classifier);
    const seen: number[] = [];
    const history = await model.fit(x, labels, {
      epochs: 5,
      onEpochEnd: (info) => {
        seen.push(info.epoch);
        return info.epoch === 2 ? verdict() : undefined;
      },
    });
    expect(seen).toEqual([1, 2]);
    expect(history.loss).toHaveLength(2);
    expect(history.stoppedEarly).toBe(true);
    expect(model.progress.epochs).toBe(2);
  });

  it('returning false at the last epoch is not an early stop; true and undefined go on', async () => {
    const model = await Sequential.create(classifier);
    const history = await model.fit(x, labels, { epochs: 3, onEpochEnd: (info) => (info.epoch === 3 ? false : info.epoch === 1 ? true : undefined) });
    expect(history.loss).toHaveLength(3);
    expect(history.stoppedEarly).toBe(false);
  });

  it('a throwing callback rejects fit with its error; the epoch is kept and the model trains on', async () => {
    const model = await Sequential.create(classifier);
    const boom = new Error('boom');
    const error = await errorOf(() =>
      model.fit(x, labels, {
        epochs: 4,
        onEpochEnd: async (info) => {
          if (info.epoch === 2) throw boom;
        },
      }),
    );
    expect(error).toBe(boom);
    expect(model.progress.epochs).toBe(2);
    expect((await model.fit(x, labels, { epochs: 1 })).loss).toHaveLength(1);
  });

  it('the model can be saved from the callback (the next epoch waits); fit from it is refused', async () => {
    const model = await Sequential.create(classifier);
    const files: Uint8Array[] = [];
    let nested: Error | null = null;
    await model.fit(x, labels, {
      epochs: 2,
      onEpochEnd: async () => {
        void model.save().then((f) => files.push(f)); // not awaited: fit still waits for it
        nested = await errorOf(() => model.fit(x, labels));
      },
    });
    expect(files).toHaveLength(2);
    expect((await Sequential.load(files[0], { backend: 'cpu' })).progress.epochs).toBe(1);
    expect(nested).toBeInstanceOf(ConfigError);
  });
});

describe('refused options', () => {
  it('a split that leaves no row to train on is a DataError', async () => {
    const model = await Sequential.create(classifier);
    const error = await errorOf(() => model.fit(x.slice(0, 3), labels.slice(0, 1), { validationSplit: 0.5 }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(/validationSplit 0.5 of 1 samples leaves 0 to train on and 1 to validate on/);
  });

  const refusals: [string, FitOptions | Record<string, unknown>, typeof ConfigError | typeof ShapeError | typeof DataError, RegExp][] = [
    ['a misspelled fit key', { validationSplt: 0.2 }, ConfigError, /did you mean "validationSplit"/],
    ['a misspelled earlyStopping key', { earlyStopping: { patients: 2 } }, ConfigError, /earlyStopping.*did you mean "patience"/],
    ['onEpochEnd in lower case', { onepochend: () => {} }, ConfigError, /did you mean "onEpochEnd"/],
    ['validationSplit 1', { validationSplit: 1 }, ConfigError, /validationSplit must be a number between 0 and 1/],
    ['validationSplit 0', { validationSplit: 0 }, ConfigError, /validationSplit must be/],
    ['validationSplit as a string', { validationSplit: '0.2' }, ConfigError, /string "0.2"/],
    ['both validation options', { validationSplit: 0.2, validationData: [x, labels] }, ConfigError, /not both/],
    ['validationData that is not a pair', { validationData: [x] }, ConfigError, /validationData must be \[x, y\]/],
    ['validationData of the wrong width', { validationData: [randomArray(1, 8, -1, 1), [0, 1]] }, ShapeError, /validationData x has 8 values, not a multiple of the 3/],
    ['validationData targets of the wrong count', { validationData: [x, [0, 1]] }, ShapeError, /validationData y: /],
    ['validationData labels out of range', { validationData: [x.slice(0, 6), [0, 3]] }, DataError, /validationData y: label 1 is 3/],
    ['patience -1', { earlyStopping: { patience: -1 } }, ConfigError, /patience must be a whole number ≥ 0/],
    ['patience 1.5', { earlyStopping: { patience: 1.5 } }, ConfigError, /patience must be/],
    ['minDelta -0.1', { earlyStopping: { minDelta: -0.1 } }, ConfigError, /minDelta must be a finite number ≥ 0/],
    ['minDelta NaN', { earlyStopping: { minDelta: NaN } }, ConfigError, /minDelta must be/],
    ['restoreBest 1', { earlyStopping: { restoreBest: 1 } }, ConfigError, /restoreBest must be true or false/],
    ['monitor val_loss', { validationSplit: 0.25, earlyStopping: { monitor: 'val_loss' } }, ConfigError, /monitor must be one of valLoss, loss/],
    ["monitor 'valLoss' without validation", { earlyStopping: { monitor: 'valLoss' } }, ConfigError, /needs validation data/],
    ['earlyStopping not an object', { earlyStopping: 3 }, ConfigError, /earlyStopping must be an object/],
    ['onEpochEnd not a function', { onEpochEnd: 'stop' }, ConfigError, /onEpochEnd must be a function/],
  ];
  it.each(refusals)('%s is a typed error before any training', async (_, options, kind, message) => {
    const model = await Sequential.create(classifier);
    const error = await errorOf(() => model.fit(x, labels, options as FitOptions));
    expect(error).toBeInstanceOf(kind);
    expect(error.message).toMatch(message);
    expect(model.progress.epochs).toBe(0);
  });
});

describe('validation on the GPU', () => {
  it('matches the CPU backend’s numbers within 1e-4 relative', async () => {
    const ctx = await testContext();
    const xv = randomArray(23, 40 * 3, -1, 1);
    const yv = Uint8Array.from({ length: 40 }, (_, i) => (i * 2) % 3);
    const options: FitOptions = { epochs: 3, batchSize: 4, optimizer: 'momentum', learningRate: 0.1, validationData: [xv, yv], earlyStopping: { patience: 5 } };
    const [gpu, cpu] = await Promise.all([Sequential.create({ ...classifier, backend: ctx }), Sequential.create(classifier)]);
    const [hg, hc] = await Promise.all([gpu.fit(x, labels, options), cpu.fit(x, labels, options)]);
    expect(hg.valLoss).toHaveLength(3);
    hg.valLoss!.forEach((v, k) => expect(Math.abs(v - hc.valLoss![k])).toBeLessThanOrEqual(1e-4 * Math.abs(hc.valLoss![k])));
    expect(hg.valAccuracy).toEqual(hc.valAccuracy);
    const before = gpu.stats().buffers;
    await gpu.fit(x, labels, options); // the validation upload is released at the end of each fit
    expect(gpu.stats().buffers).toBe(before);
    gpu.dispose();
  });
});

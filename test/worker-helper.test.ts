// webgpu-train/worker (src/worker): serveTraining and TrainingWorker in one Node process, the two
// ends of a MessageChannel standing in for a module Worker and its page. Each result is compared with
// a Sequential trained directly from the same seed: the helper must give the same numbers bit for bit
// (on the CPU backend and on WebGPU through Dawn), with the callbacks in the same order, and pause,
// stop, calls during fit, errors, dispose and save/load must behave as README "In a Worker" says.
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DisposedError, Sequential, ShapeError, type EpochEnd, type FitOptions, type ModelOptions, type Progress } from '../src/index';
import { serveTraining, TrainingWorker, type TrainingState } from '../src/worker/index';
import { randomArray, testContext } from './helpers/gpu';
import { errorOf } from './helpers/errors';

type Backend = 'cpu' | 'gpu';

// 96 rows of 4 features, 3 classes; batches of 16: 6 steps an epoch.
const rows = 96;
const x = randomArray(31, rows * 4, -1, 1);
const labels = Uint8Array.from({ length: rows }, (_, i) => (x[i * 4] + x[i * 4 + 1] > 0 ? 1 : 0) + (x[i * 4 + 2] > 0.5 ? 1 : 0));
const xVal = randomArray(32, 24 * 4, -1, 1);
const labelsVal = Uint8Array.from({ length: 24 }, (_, i) => (i * 7) % 3);
const net: Omit<ModelOptions, 'backend'> = {
  inputSize: 4,
  layers: [{ units: 8, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
  seed: 3,
};
const training: FitOptions = { epochs: 4, batchSize: 16, optimizer: 'momentum', learningRate: 0.1 };

const ports: MessagePort[] = [];

/** A page-side port whose other end runs serveTraining (the 'gpu' backend on the test's Dawn context). */
function servedPort(): MessagePort {
  const { port1, port2 } = new MessageChannel();
  serveTraining(port2, { context: testContext });
  ports.push(port1, port2);
  return port1;
}

afterAll(() => {
  for (const port of ports) port.close();
});

async function direct(backend: Backend): Promise<Sequential> {
  return Sequential.create({ ...net, backend: backend === 'cpu' ? 'cpu' : await testContext() });
}

/** The callbacks' calls, without their timings. */
const progressEvent = (p: Progress) => ({ on: 'progress', epoch: p.epoch, step: p.step, loss: p.loss, epochDone: p.epochDone, valLoss: p.valLoss, valAccuracy: p.valAccuracy });
const epochEvent = (e: EpochEnd) => ({ on: 'epochEnd', epoch: e.epoch, loss: e.loss, valLoss: e.valLoss, valAccuracy: e.valAccuracy, bestEpoch: e.bestEpoch });

async function waitForState(trainer: TrainingWorker, state: TrainingState): Promise<void> {
  for (let waited = 0; trainer.state !== state; waited += 5) {
    if (waited > 60_000) throw new Error(`state stayed ${trainer.state}, expected ${state}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each<Backend>(['cpu', 'gpu'])('TrainingWorker over a MessageChannel, backend %s', (backend) => {
  it('fit gives the history of a Sequential trained directly from the same seed (bit-equal), with progress and epoch ends in the same order', async () => {
    const options: FitOptions = { ...training, validationData: [xVal, labelsVal] };
    const model = await direct(backend);
    const expectedEvents: object[] = [];
    const expected = await model.fit(x, labels, {
      ...options,
      onProgress: (p) => expectedEvents.push(progressEvent(p)),
      onEpochEnd: (e) => void expectedEvents.push(epochEvent(e)),
    });
    const expectedOut = await model.predict(x);

    const trainer = await TrainingWorker.create(servedPort(), net, { backend });
    expect(trainer.config).toEqual(model.config);
    if (backend === 'cpu') expect(trainer.adapter).toBeNull();
    else expect(trainer.adapter).toEqual((await testContext()).adapter);
    expect(trainer.state).toBe('idle');
    const events: object[] = [];
    const states: TrainingState[] = [];
    const history = await trainer.fit(x, labels, {
      ...options,
      onProgress: (p) => void events.push(progressEvent(p)),
      onEpochEnd: (e) => {
        events.push(epochEvent(e));
        states.push(trainer.state);
      },
    });
    expect(trainer.state).toBe('idle');
    expect(states).toEqual(['training', 'training', 'training', 'training']);
    expect(history).toEqual(expected);
    expect(history.loss).toHaveLength(4);
    expect(history.valLoss).toHaveLength(4);
    expect(history.loss[3]).toBeLessThan(history.loss[0]);
    expect(events).toEqual(expectedEvents);
    expect(events.filter((e) => (e as { on: string }).on === 'epochEnd')).toHaveLength(4);
    expect(await trainer.predict(x)).toEqual(expectedOut);
    // The arrays went by copy: the caller's are whole.
    expect(x.length).toBe(rows * 4);
    expect(x.buffer.byteLength).toBeGreaterThan(0);
    expect(await trainer.summary()).toEqual(model.summary());
    expect(await trainer.getWeights()).toEqual(await model.getWeights());
    if (backend === 'gpu') expect((await trainer.stats()).buffers).toBeGreaterThan(0);
    model.dispose();
    await trainer.dispose();
  });

  it("pause() waits at the end of the running epoch (state 'paused'), answers predict there with the model's output, and resume() goes on to the same history", async () => {
    const model = await direct(backend);
    const expected1 = await model.fit(x, labels, { ...training, epochs: 1 });
    const afterEpoch1 = await model.predict(x);
    const expected = await model.fit(x, labels, { ...training, epochs: 3 });

    const trainer = await TrainingWorker.create(servedPort(), net, { backend });
    const progress: Progress[] = [];
    const fit = trainer.fit(x, labels, {
      ...training,
      onProgress: (p) => void progress.push(p),
      onEpochEnd: (e) => {
        if (e.epoch === 1) trainer.pause();
      },
    });
    await waitForState(trainer, 'paused');
    const seen = progress.length;
    expect(progress[seen - 1]).toMatchObject({ epoch: 1, epochDone: true, loss: expected1.loss[0] });
    const whilePaused = await trainer.predict(x);
    expect(whilePaused).toEqual(afterEpoch1);
    const saved = await Sequential.load(await trainer.save(), { backend: backend === 'cpu' ? 'cpu' : await testContext() });
    expect(await trainer.evaluate(x, labels)).toEqual(await saved.evaluate(x, labels));
    saved.dispose();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(progress.length, 'no training while paused').toBe(seen);
    expect(trainer.state).toBe('paused');
    trainer.resume();
    const history = await fit;
    expect(trainer.state).toBe('idle');
    expect(history.stoppedEarly).toBe(false);
    expect(history.loss).toEqual([expected1.loss[0], ...expected.loss]);
    model.dispose();
    await trainer.dispose();
  });

  it('save() bytes load back with TrainingWorker.load (and Sequential.load) and predict the same', async () => {
    const trainer = await TrainingWorker.create(servedPort(), net, { backend });
    await trainer.fit(x, labels, { ...training, epochs: 2 });
    const bytes = await trainer.save();
    expect(bytes).toBeInstanceOf(Uint8Array);
    const out = await trainer.predict(x);
    const loaded = await TrainingWorker.load(servedPort(), bytes, { backend });
    expect(loaded.config).toEqual(trainer.config);
    expect(await loaded.predict(x)).toEqual(out);
    const local = await Sequential.load(bytes, { backend: backend === 'cpu' ? 'cpu' : await testContext() });
    expect(await local.predict(x)).toEqual(out);
    // The training state came along: one more epoch on each gives the same loss.
    const [a, b] = [await trainer.fit(x, labels, { ...training, epochs: 1 }), await loaded.fit(x, labels, { ...training, epochs: 1 })];
    expect(b.loss).toEqual(a.loss);
    local.dispose();
    await trainer.dispose();
    loaded.terminate();
  });

  it("toOnnx() gives the bytes of a direct model's toOnnx() from the same seed and weights, before and after training", async () => {
    const model = await direct(backend);
    const trainer = await TrainingWorker.create(servedPort(), net, { backend });
    const untrained = await trainer.toOnnx();
    expect(untrained).toBeInstanceOf(Uint8Array);
    expect(untrained).toEqual(await model.toOnnx());
    await model.fit(x, labels, { ...training, epochs: 2 });
    await trainer.fit(x, labels, { ...training, epochs: 2 });
    expect(await trainer.getWeights()).toEqual(await model.getWeights());
    const trained = await trainer.toOnnx();
    expect(trained).toEqual(await model.toOnnx());
    // The bytes hold the weights: training changed them.
    expect(trained).toHaveLength(untrained.length);
    expect(trained).not.toEqual(untrained);
    model.dispose();
    await trainer.dispose();
    await expect(trainer.toOnnx()).rejects.toBeInstanceOf(DisposedError);
  });
});

describe('TrainingWorker over a MessageChannel: stopping, calls during fit, errors, dispose (CPU)', () => {
  it('stop() ends fit after the running epoch: history.stoppedEarly, with the epochs trained until then', async () => {
    const model = await direct('cpu');
    const expected = await model.fit(x, labels, { ...training, epochs: 2 });
    const trainer = await TrainingWorker.create(servedPort(), net, { backend: 'cpu' });
    // stop() from within onEpochEnd: the worker has it before the answer, so fit ends after epoch 2.
    const history = await trainer.fit(x, labels, {
      ...training,
      epochs: 10,
      onEpochEnd: (e) => {
        if (e.epoch === 2) trainer.stop();
      },
    });
    expect(history.stoppedEarly).toBe(true);
    expect(history.loss).toEqual(expected.loss);
    // stop() from onProgress, while the worker goes on training: it ends after the running epoch.
    const epochsDone: number[] = [];
    const more = await trainer.fit(x, labels, {
      ...training,
      epochs: 10,
      onProgress: (p) => {
        if (p.epochDone) epochsDone.push(p.epoch);
        if (p.epochDone && p.epoch === 1) trainer.stop();
      },
    });
    expect(more.stoppedEarly).toBe(true);
    expect(more.loss.length).toBeGreaterThanOrEqual(1);
    expect(more.loss.length).toBeLessThanOrEqual(3);
    expect(epochsDone).toEqual(more.loss.map((_, i) => i + 1));
    // A paused fit ends at once on stop().
    const paused = trainer.fit(x, labels, { ...training, epochs: 10, onEpochEnd: (e) => void (e.epoch === 1 && trainer.pause()) });
    await waitForState(trainer, 'paused');
    trainer.stop();
    expect((await paused).loss).toHaveLength(1);
    expect((await paused).stoppedEarly).toBe(true);
    // A pause asked for during the last epoch is dropped: fit ends.
    const last = await trainer.fit(x, labels, { ...training, epochs: 2, onEpochEnd: (e) => void (e.epoch === 2 && trainer.pause()) });
    expect(last.loss).toHaveLength(2);
    expect(last.stoppedEarly).toBe(false);
    expect(trainer.state).toBe('idle');
    // resume() before the epoch ends cancels the pause.
    const cancelled = await trainer.fit(x, labels, {
      ...training,
      epochs: 3,
      onEpochEnd: (e) => {
        if (e.epoch === 1) {
          trainer.pause();
          trainer.resume();
        }
      },
    });
    expect(cancelled.loss).toHaveLength(3);
    model.dispose();
    await trainer.dispose();
  });

  it('transfer: true moves x, y and the validation arrays to the worker (left detached here) and trains exactly as with copies', async () => {
    const options: FitOptions = { ...training, validationData: [xVal, labelsVal] };
    const copied = await TrainingWorker.create(servedPort(), net, { backend: 'cpu' });
    const expected = await copied.fit(x, labels, options);
    expect(x.length).toBe(rows * 4); // copied: the caller's arrays are untouched
    const [mx, my, mxv, myv] = [x.slice(), labels.slice(), xVal.slice(), labelsVal.slice()];
    const moved = await TrainingWorker.create(servedPort(), net, { backend: 'cpu' });
    const history = await moved.fit(mx, my, { ...options, validationData: [mxv, myv], transfer: true });
    expect(history).toEqual(expected);
    expect([mx.byteLength, my.byteLength, mxv.byteLength, myv.byteLength]).toEqual([0, 0, 0, 0]);
    // Rows given as an array of typed arrays move too; plain numbers are copied.
    const rowsOf = Array.from({ length: rows }, (_, r) => x.slice(r * 4, r * 4 + 4));
    const [third, fresh] = await Promise.all([TrainingWorker.create(servedPort(), net, { backend: 'cpu' }), TrainingWorker.create(servedPort(), net, { backend: 'cpu' })]);
    const fromCopies = await fresh.fit(x, labels, training);
    expect(await third.fit(rowsOf, Array.from(labels), { ...training, transfer: true })).toEqual(fromCopies);
    expect(rowsOf.every((row) => row.byteLength === 0)).toBe(true);
    await expect(moved.fit(x, labels, { ...training, transfer: 'yes' as never })).rejects.toThrow(/transfer must be true or false/);
    for (const t of [copied, moved, third, fresh]) await t.dispose();
  });

  it('onEpochEnd returning false (or a promise of false) stops after that epoch', async () => {
    const trainer = await TrainingWorker.create(servedPort(), net, { backend: 'cpu' });
    const h1 = await trainer.fit(x, labels, { ...training, epochs: 10, onEpochEnd: (e) => e.epoch !== 2 });
    expect(h1.loss).toHaveLength(2);
    expect(h1.stoppedEarly).toBe(true);
    const h2 = await trainer.fit(x, labels, {
      ...training,
      epochs: 10,
      onEpochEnd: async (e) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return e.epoch < 3;
      },
    });
    expect(h2.loss).toHaveLength(3);
    expect(h2.stoppedEarly).toBe(true);
    // A callback that throws ends fit with its own error, after that epoch.
    const boom = new Error('boom');
    let epochs = 0;
    const thrown = await errorOf(() =>
      trainer.fit(x, labels, {
        ...training,
        onEpochEnd: () => {
          epochs++;
          throw boom;
        },
      }),
    );
    expect(thrown).toBe(boom);
    expect(epochs).toBe(1);
    expect(trainer.state).toBe('idle');
    await trainer.dispose();
  });

  it('predict called during fit is answered at the next epoch boundary, with the weights of that epoch', async () => {
    const model = await direct('cpu');
    await model.fit(x, labels, { ...training, epochs: 1 });
    const afterEpoch1 = await model.predict(x);
    const trainer = await TrainingWorker.create(servedPort(), net, { backend: 'cpu' });
    const log: string[] = [];
    const fit = trainer.fit(x, labels, { ...training, onProgress: (p) => void log.push(`progress ${p.epoch}.${p.step}${p.epochDone ? ' done' : ''}`) });
    const predicted = trainer.predict(x).then((out) => {
      log.push('predict');
      return out;
    });
    await expect(trainer.fit(x, labels), 'fit while fit runs').rejects.toThrow(ConfigError);
    const history = await fit;
    expect(await predicted).toEqual(afterEpoch1);
    // Epoch 1's six steps, then the answer, then epoch 2 onwards.
    const at = log.indexOf('predict');
    expect(log.slice(0, at + 1)).toEqual(['progress 1.1', 'progress 1.2', 'progress 1.3', 'progress 1.4', 'progress 1.5', 'progress 1.6 done', 'predict']);
    expect(log.slice(at + 1).every((l) => /^progress [234]\./.test(l))).toBe(true);
    expect(history.loss).toHaveLength(4);
    model.dispose();
    await trainer.dispose();
  });

  it('errors cross as the library classes with the same messages: ConfigError from a bad layer, ShapeError from a bad x', async () => {
    const port = servedPort();
    const badNet = { ...net, layers: [{ units: 8, activation: 'relux' }, { units: 3, activation: 'softmax' }] } as unknown as typeof net;
    const local = await errorOf(() => Sequential.create({ ...badNet, backend: 'cpu' }));
    const crossed = await errorOf(() => TrainingWorker.create(port, badNet, { backend: 'cpu' }));
    expect(crossed).toBeInstanceOf(ConfigError);
    expect(crossed.name).toBe('ConfigError');
    expect(crossed.message).toBe(local.message);

    const trainer = await TrainingWorker.create(port, net, { backend: 'cpu' });
    const model = await direct('cpu');
    const badX = x.subarray(0, 10);
    const localShape = await errorOf(() => model.fit(badX, labels));
    const crossedShape = await errorOf(() => trainer.fit(badX, labels));
    expect(localShape).toBeInstanceOf(ShapeError);
    expect(crossedShape).toBeInstanceOf(ShapeError);
    expect(crossedShape.message).toBe(localShape.message);
    expect(trainer.state).toBe('idle');
    await expect(trainer.predict([[1, 2]])).rejects.toThrow(ShapeError);
    // Options the library refuses, and the page's own checks.
    await expect(trainer.fit(x, labels, { epoch: 3 } as FitOptions)).rejects.toThrow(/did you mean "epochs"/);
    await expect(trainer.fit(x, labels, 5 as FitOptions)).rejects.toThrow(/fit options must be an object/);
    await expect(trainer.fit(x, labels, { onProgress: 'log' } as unknown as FitOptions)).rejects.toThrow(/onProgress must be a function/);
    await expect(TrainingWorker.create(port, { ...net, backend: 'cpu' } as typeof net)).rejects.toThrow(ConfigError);
    await expect(TrainingWorker.create(port, net, { backend: 'tpu' as 'cpu' })).rejects.toThrow(/'gpu' or 'cpu'/);
    // Still usable after all that.
    expect((await trainer.fit(x, labels, { ...training, epochs: 1 })).loss).toEqual((await model.fit(x, labels, { ...training, epochs: 1 })).loss);
    model.dispose();
    await trainer.dispose();
  });

  it('calls after dispose reject with DisposedError; the worker then serves a new model', async () => {
    const port = servedPort();
    const trainer = await TrainingWorker.create(port, net, { backend: 'cpu' });
    await trainer.dispose();
    expect(trainer.state).toBe('disposed');
    for (const call of [() => trainer.predict(x), () => trainer.fit(x, labels), () => trainer.save(), () => trainer.stats()]) {
      const e = await errorOf(call);
      expect(e).toBeInstanceOf(DisposedError);
      expect(e.message).toMatch(/disposed.*TrainingWorker\.create/);
    }
    await trainer.dispose(); // a second dispose does nothing
    const again = await TrainingWorker.create(port, net, { backend: 'cpu' });
    expect((await again.predict(x)).length).toBe(rows * 3);
    // Disposed during fit: fit rejects with DisposedError at the epoch boundary.
    const fit = again.fit(x, labels, { ...training, epochs: 50 });
    await again.dispose();
    await expect(fit).rejects.toThrow(DisposedError);
  });

  it('create rejects, naming serveTraining, when nothing answers on the port', async () => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const started = performance.now();
    const e = await errorOf(() => TrainingWorker.create(port1, net, { backend: 'cpu', timeoutMs: 300 }));
    expect(e.message).toMatch(/did not answer within 300 ms.*serveTraining\(\)/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("a worker's 'error' event (a script that failed to load) rejects what is pending; terminate() rejects with DisposedError and ends the worker", async () => {
    // A Worker-like endpoint that never answers, then fires 'error' as a Worker whose script failed.
    const fake = Object.assign(new EventTarget(), { posted: 0, terminated: false, postMessage() { fake.posted++; }, terminate() { fake.terminated = true; } });
    const pending = TrainingWorker.create(fake, net, { backend: 'cpu', timeoutMs: 60_000 });
    fake.dispatchEvent(Object.assign(new Event('error'), { message: "Uncaught SyntaxError: Unexpected token '<'" }));
    const e = await errorOf(() => pending);
    expect(e.message).toBe("the worker failed: Uncaught SyntaxError: Unexpected token '<' (see the console for the worker's error)");
    expect(fake.posted).toBeGreaterThan(0);

    const trainer = await TrainingWorker.create(servedPort(), net, { backend: 'cpu' });
    const fit = trainer.fit(x, labels, { ...training, epochs: 50 });
    trainer.terminate();
    expect(trainer.state).toBe('disposed');
    await expect(fit).rejects.toThrow(/terminated/);
    await expect(fit).rejects.toBeInstanceOf(DisposedError);
    await expect(trainer.predict(x)).rejects.toBeInstanceOf(DisposedError);
  });
});

// The MNIST demo page: pick a network and its training settings, train it on the GPU with live
// loss and accuracy charts (pausable between epochs), then draw digits for it to classify.
//
// The Model field picks the MLP (Hidden layers, Activation) or the CNN preset (demo/models.ts).
//
// Every form field can be preset from the URL, e.g. `?hidden=64&epochs=1&train=1000&autostart=1`
// (names as in the form; `autostart=1` clicks Train once the data is loaded). `window.__demo` is a
// debug handle the e2e test reads (state, chart data, last prediction).
//
// Checkpoints: Save downloads the model (`model.save()`, .safetensors) when training is paused or
// done; Load (a file) or Restore (IndexedDB) replaces the model with a saved one, and Resume trains
// it on up to the form's Epochs, exactly as if it had never stopped (same settings and device).
import {
  createContext,
  Sequential,
  WebGPUUnavailableError,
  type Activation,
  type GpuContext,
  type LossName,
  type OptimizerName,
} from '../src/index';
import { LineChart } from './charts';
import { splitMnist, MNIST_PACKAGE_IMAGES } from '../src/io/mnist';
import { CLASSES, PIXELS, fetchDigits } from './data';
import { SIDE, grayFromRgba, toMnistInput, toProbabilities } from './preprocess';
import { describeNetwork, kindOf, networkOptions, type ModelKind } from './models';
import { CHECKPOINT_FILE, downloadBytes, readFileBytes, restoreCheckpoint, storeCheckpoint } from './checkpoint-store';

/** 'loaded': a model restored from a checkpoint, waiting for Resume (or Train for a new one). */
type State = 'loading' | 'ready' | 'training' | 'pausing' | 'paused' | 'done' | 'loaded' | 'error';

interface Settings {
  model: ModelKind;
  hidden: number[];
  activation: Activation;
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  batch: number;
  epochs: number;
  train: number;
  test: number;
  seed: number;
  backend: 'gpu' | 'cpu';
}

interface Prediction {
  digit: number;
  probabilities: number[];
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo page is missing #${id}`);
  return el as T;
};

const form = $<HTMLFormElement>('settings');
const trainButton = $<HTMLButtonElement>('train');
const pauseButton = $<HTMLButtonElement>('pause');
const resumeButton = $<HTMLButtonElement>('resume');
const saveButton = $<HTMLButtonElement>('save');
const loadButton = $<HTMLButtonElement>('load');
const loadInput = $<HTMLInputElement>('load-file');
const storeButton = $<HTMLButtonElement>('store');
const restoreButton = $<HTMLButtonElement>('restore');
const checkpointLine = $('checkpoint-status');
const statusLine = $('status');
const adapterLine = $('adapter');
const notice = $('notice');
const pad = $<HTMLCanvasElement>('pad');
const preview = $<HTMLCanvasElement>('preview');
const predictionLine = $('prediction');
const bars = $('bars');

const lossChart = new LineChart($('loss-chart'), {
  label: 'training loss',
  xLabel: 'epoch',
  yLabel: 'loss',
  color: '#2563eb',
});
const accChart = new LineChart($('acc-chart'), {
  label: 'held-out accuracy %',
  xLabel: 'epoch',
  yLabel: 'accuracy %',
  color: '#16a34a',
  points: true,
});

let state: State = 'loading';
let lastError: string | null = null;
let digits: Float32Array[] | null = null;
let gpu: Promise<GpuContext> | null = null;
let adapter: GpuContext['adapter'] | null = null;
let gpuError: string | null = null;
let model: Sequential | null = null;
let modelOutput: Activation = 'softmax';
let runId = 0;
let loop: Promise<void> = Promise.resolve();
let paused = false;
let resumeWaiter: (() => void) | null = null;
let epochsDone = 0;
let lastPrediction: Prediction | null = null;
let predicting: Promise<void> = Promise.resolve();
let predictBusy = false;
let predictAgain = false;
/** True while a checkpoint is saved or loaded: the buttons that would touch the model wait. */
let checkpointBusy = false;

// ---- settings -------------------------------------------------------------------------------

const params = new URLSearchParams(location.search);
for (const el of Array.from(form.elements) as (HTMLInputElement | HTMLSelectElement)[]) {
  const value = el.name ? params.get(el.name) : null;
  if (value !== null) el.value = value;
}

function field(name: string): string {
  const el = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  return el?.value.trim() ?? '';
}

function wholeNumber(name: string, label: string, min = 1): number {
  const v = Number(field(name));
  if (!Number.isInteger(v) || v < min) throw new Error(`${label} must be a whole number ≥ ${min}, got "${field(name)}"`);
  return v;
}

function readSettings(): Settings {
  const hiddenText = field('hidden');
  const hidden = hiddenText === '' ? [] : hiddenText.split(/[\s,]+/).filter(Boolean).map(Number);
  if (hidden.some((u) => !Number.isInteger(u) || u < 1)) {
    throw new Error(`Hidden layers must be unit counts separated by commas, e.g. "128" or "256,128" (or empty); got "${hiddenText}"`);
  }
  const lr = Number(field('lr'));
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`Learning rate must be a positive number, got "${field('lr')}"`);
  const momentum = Number(field('momentum'));
  if (!(momentum >= 0 && momentum < 1)) throw new Error(`Momentum must be in [0, 1), got "${field('momentum')}"`);
  return {
    model: field('model') === 'cnn' ? 'cnn' : 'mlp',
    hidden,
    activation: field('activation') as Activation,
    loss: field('loss') as LossName,
    optimizer: field('optimizer') as OptimizerName,
    lr,
    momentum,
    batch: wholeNumber('batch', 'Batch size'),
    epochs: wholeNumber('epochs', 'Epochs'),
    train: wholeNumber('train', 'Training images'),
    test: wholeNumber('test', 'Held-out images'),
    seed: wholeNumber('seed', 'Seed', 0),
    backend: field('backend') === 'cpu' ? 'cpu' : 'gpu',
  };
}

function setField(name: string, value: string): void {
  const el = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  if (el) el.value = value;
}

// ---- page state ---------------------------------------------------------------------------------

function setState(next: State, message?: string): void {
  state = next;
  updateButtons();
  if (message !== undefined) showStatus(message, next === 'error');
}

function updateButtons(): void {
  const running = state === 'training' || state === 'pausing' || state === 'paused';
  /** A model that no training loop is using: Resume trains it on, Save may read it. */
  const idle = model !== null && (state === 'done' || state === 'loaded');
  trainButton.disabled = checkpointBusy || state === 'loading' || (state === 'error' && !digits);
  trainButton.textContent = running ? 'Restart' : state === 'done' ? 'Train again' : state === 'loaded' ? 'Train new' : 'Train';
  pauseButton.disabled = state !== 'training';
  resumeButton.disabled = checkpointBusy || !(state === 'paused' || state === 'pausing' || idle);
  const canSave = !checkpointBusy && model !== null && (state === 'paused' || idle);
  saveButton.disabled = storeButton.disabled = !canSave;
  const canLoad = !checkpointBusy && state !== 'loading' && state !== 'training' && state !== 'pausing';
  loadButton.disabled = restoreButton.disabled = !canLoad;
}

function showStatus(message: string, isError = false): void {
  statusLine.textContent = message;
  statusLine.classList.toggle('error', isError);
}

function showCheckpointStatus(message: string, isError = false): void {
  checkpointLine.textContent = message;
  checkpointLine.classList.toggle('error', isError);
}

const plural = (n: number, word: string) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

function showNotice(message: string, kind: 'warning' | 'error', action?: { label: string; run: () => void }): void {
  notice.hidden = false;
  notice.classList.toggle('error', kind === 'error');
  notice.textContent = message;
  if (action) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = action.label;
    button.addEventListener('click', action.run);
    notice.append(button);
  }
}

const errorText = (e: unknown) => (e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e));

// ---- WebGPU -------------------------------------------------------------------------------------

/** The page's one GPU context, created on first use (and again after a device loss). */
function gpuContext(): Promise<GpuContext> {
  if (!gpu) {
    gpu = createContext().then(
      (ctx) => {
        adapter = ctx.adapter;
        gpuError = null;
        const a = ctx.adapter;
        const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' · ') || 'unnamed adapter';
        adapterLine.textContent = `WebGPU adapter: ${name}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}`;
        if (a.isFallbackAdapter) {
          showNotice(
            'This is a software fallback adapter (for example SwiftShader): training is correct but runs on the CPU, ' +
              'so it is slow. Use fewer training images, or a browser with hardware WebGPU.',
            'warning',
          );
        }
        ctx.device.lost.then((info) => {
          if (info.reason === 'destroyed') return;
          gpu = null;
          showNotice(`The GPU device was lost (${info.message || info.reason}). Press Train to start again on a new device.`, 'error');
        });
        return ctx;
      },
      (e: unknown) => {
        gpu = null;
        gpuError = errorText(e);
        adapterLine.textContent = 'WebGPU: not available';
        const message = e instanceof WebGPUUnavailableError ? e.message : `Could not start WebGPU: ${errorText(e)}`;
        showNotice(message, 'error', {
          label: 'Train on the CPU backend instead',
          run: () => {
            setField('backend', 'cpu');
            if (Number(field('train')) > 2000) setField('train', '2000');
            notice.hidden = true;
            void onTrain();
          },
        });
        throw e;
      },
    );
  }
  return gpu;
}

// ---- training ---------------------------------------------------------------------------------

function outputActivationFor(loss: LossName): Activation {
  return loss === 'crossEntropy' ? 'softmax' : loss === 'binaryCrossEntropy' ? 'sigmoid' : 'linear';
}

function waitWhilePaused(): Promise<void> {
  if (!paused) return Promise.resolve();
  setState('paused', `Paused after epoch ${epochsDone}. Resume to go on.`);
  return new Promise((resolve) => (resumeWaiter = resolve));
}

/** Ends the running training loop, if any (after its current epoch; at once when paused). */
async function stopTraining(): Promise<number> {
  const id = ++runId;
  paused = false;
  resumeWaiter?.();
  resumeWaiter = null;
  await loop; // a running loop notices the new run id after its current epoch and stops
  return id;
}

/** Trains a new model from the form, or with `resume`, trains that model on up to the form's Epochs. */
async function onTrain(resume: Sequential | null = null): Promise<void> {
  const id = await stopTraining();
  if (id !== runId) return;
  loop = runTraining(id, resume).catch((e: unknown) => {
    if (id !== runId) return;
    lastError = errorText(e);
    setState('error', lastError);
    if (!(e instanceof WebGPUUnavailableError)) console.error(e);
  });
  await loop;
}

async function runTraining(id: number, resume: Sequential | null): Promise<void> {
  const s = readSettings();
  if (!digits) throw new Error('the MNIST digits are not loaded yet');
  if (s.train + s.test > MNIST_PACKAGE_IMAGES) {
    throw new Error(`Training + held-out images must be at most ${MNIST_PACKAGE_IMAGES.toLocaleString()} (the package has that many)`);
  }
  // The seeded split of src/io/mnist.ts: the held-out set does not depend on the training size.
  const { train, test } = splitMnist(digits, { trainSize: s.train, testSize: s.test });
  lastError = null;
  let m: Sequential;
  if (resume) {
    // Model, loss and activations are the checkpoint's; the training settings are the form's.
    m = resume;
    const where = m.backend === 'cpu' ? 'the CPU backend' : 'WebGPU';
    setState('training', `Resuming ${describeModel(m.config)} after epoch ${m.progress.epochs} on ${train.size} images with ${where}…`);
  } else {
    setState('training', 'Building the model…');
    await predicting;
    model?.dispose();
    model = null;
    const backend = s.backend === 'cpu' ? ('cpu' as const) : await gpuContext();
    const outputActivation = outputActivationFor(s.loss);
    // The CNN preset's hidden layers are relu.
    const init = s.model === 'cnn' || s.activation === 'relu' || s.activation === 'leakyRelu' ? 'he' : 'xavier';
    m = await Sequential.create({
      ...networkOptions(s.model, s, outputActivation),
      loss: s.loss,
      init,
      seed: s.seed,
      backend,
    });
    if (id !== runId) {
      m.dispose();
      return;
    }
    model = m;
    modelOutput = outputActivation;
    epochsDone = 0;
    lossChart.clear();
    accChart.clear();
    const where = s.backend === 'cpu' ? 'CPU backend' : 'WebGPU';
    showStatus(`Training ${describeNetwork(m.config)} (${init} init) on ${train.size} images with ${where}…`);
    requestPredict();
  }

  // Epochs count on from the model's own: a restored checkpoint continues where it stopped.
  for (let epoch = m.progress.epochs + 1; epoch <= s.epochs; epoch++) {
    await waitWhilePaused();
    if (id !== runId) return;
    setState('training');
    let seen = 0;
    let sum = 0;
    await m.fit(train.x, train.labels, {
      epochs: 1,
      batchSize: Math.min(s.batch, train.size),
      optimizer: s.optimizer,
      learningRate: s.lr,
      // β only for the optimizers that take it: fit refuses options that do not apply.
      ...(s.optimizer === 'momentum' || s.optimizer === 'nesterov' ? { momentum: s.momentum } : {}),
      onProgress: (p) => {
        if (id !== runId) return;
        // p.loss is the mean over this epoch so far; plot the mean of the steps since the last report.
        const nowSeen = Math.min(train.size, p.step * Math.min(s.batch, train.size));
        if (nowSeen <= seen) return; // the epoch-end report repeats the last step's
        const recent = (p.loss * nowSeen - sum) / (nowSeen - seen);
        seen = nowSeen;
        sum = p.loss * nowSeen;
        lossChart.push(epoch - 1 + p.step / p.steps, recent);
        if (!p.epochDone) {
          showStatus(
            `Epoch ${epoch}/${s.epochs} · step ${p.step}/${p.steps} · loss ${p.loss.toFixed(4)} · ` +
              `${Math.round(p.samplesPerSecond).toLocaleString()} images/s`,
          );
        }
      },
    });
    if (id !== runId) return;
    const { loss, accuracy = NaN } = await m.evaluate(test.x, test.labels); // always present: softmax output
    if (id !== runId) return;
    epochsDone = epoch;
    accChart.push(epoch, accuracy * 100);
    showStatus(
      `Epoch ${epoch}/${s.epochs}: held-out accuracy ${(accuracy * 100).toFixed(2)} % ` +
        `(loss ${loss.toFixed(4)}, ${test.size} images)` +
        (paused ? ' · pausing' : ''),
    );
    requestPredict();
  }
  setState('done', `Done: ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}, held-out accuracy ${accChart.ys.at(-1)?.toFixed(2)} %. Draw a digit →`);
}

trainButton.addEventListener('click', () => void onTrain());
pauseButton.addEventListener('click', () => {
  paused = true;
  setState('pausing', `${statusLine.textContent ?? ''}\nPausing after this epoch…`);
});
resumeButton.addEventListener('click', () => {
  if (state === 'done' || state === 'loaded') {
    void onContinue();
    return;
  }
  paused = false;
  resumeWaiter?.();
  resumeWaiter = null;
  setState('training', 'Resuming…');
});

/** Resume on a model no loop is using (restored, or done): trains it on up to the form's Epochs. */
async function onContinue(): Promise<void> {
  const m = model;
  if (!m) return;
  const trained = m.progress.epochs;
  const target = Number(field('epochs'));
  if (Number.isInteger(target) && target <= trained) {
    showStatus(`This model has trained ${plural(trained, 'epoch')}; set Epochs above ${trained} and press Resume to train it on.`);
    return;
  }
  await onTrain(m);
}

// ---- checkpoints --------------------------------------------------------------------------------

const describeModel = describeNetwork;

/** Shows a restored model's architecture in the form, so that Train new builds the same one. */
function showConfig(config: Sequential['config']): void {
  setOption('model', kindOf(config));
  const hidden = config.layers.slice(0, -1);
  if (kindOf(config) === 'mlp') {
    setField('hidden', hidden.map((l) => ('units' in l ? l.units : '')).join(','));
    const activations = new Set(hidden.map((l) => ('activation' in l ? l.activation : 'linear')));
    if (activations.size === 1) setOption('activation', [...activations][0]);
  }
  setOption('loss', config.loss);
  setField('seed', String(config.seed));
}

/** Sets a select to `value` if it has that option (else leaves it). */
function setOption(name: string, value: string): void {
  const el = form.elements.namedItem(name);
  if (el instanceof HTMLSelectElement && Array.from(el.options).some((o) => o.value === value)) el.value = value;
}

/** Runs a save or load with the model's buttons held; its failure goes to the checkpoint line. */
async function checkpointTask(failure: string, work: () => Promise<void>): Promise<void> {
  if (checkpointBusy) return;
  checkpointBusy = true;
  updateButtons();
  try {
    await work();
  } catch (e) {
    showCheckpointStatus(`${failure}: ${errorText(e)}`, true);
  } finally {
    checkpointBusy = false;
    updateButtons();
  }
}

function onSave(target: 'download' | 'browser'): Promise<void> {
  return checkpointTask('Could not save the checkpoint', async () => {
    const m = model;
    if (!m) return;
    const bytes = await m.save();
    const what = `${plural(m.progress.epochs, 'epoch')} trained, ${(bytes.length / 1024).toFixed(0)} KB`;
    if (target === 'download') {
      downloadBytes(bytes, CHECKPOINT_FILE);
      showCheckpointStatus(`Saved ${CHECKPOINT_FILE} (${what}).`);
    } else {
      await storeCheckpoint(bytes);
      showCheckpointStatus(`Saved in this browser (${what}); Restore from browser loads it, also after a reload.`);
    }
  });
}

/** Replaces the model with the checkpoint `read` returns (null: none there), on the form's backend. */
function onLoad(source: string, read: () => Promise<Uint8Array | null>): Promise<void> {
  return checkpointTask(`Could not load ${source}`, async () => {
    showCheckpointStatus(`Loading ${source}…`);
    const bytes = await read();
    if (!bytes) {
      showCheckpointStatus('No checkpoint is saved in this browser yet (Save in browser keeps one).');
      return;
    }
    const backend = field('backend') === 'cpu' ? ('cpu' as const) : await gpuContext();
    const m = await Sequential.load(bytes, { backend });
    const { inputSize, layers } = m.config;
    const output = layers[layers.length - 1];
    if (inputSize !== PIXELS || !('units' in output) || output.units !== CLASSES) {
      m.dispose();
      throw new Error(`this checkpoint is a ${describeModel(m.config)} network; the demo needs ${PIXELS} inputs and ${CLASSES} outputs`);
    }
    // Only now, with the checkpoint known to be good, does the current model go.
    await stopTraining();
    await predicting;
    model?.dispose();
    model = m;
    modelOutput = 'activation' in output ? output.activation : 'linear';
    epochsDone = m.progress.epochs;
    lastError = null;
    lossChart.clear();
    accChart.clear();
    showConfig(m.config);
    const summary = `Checkpoint loaded: ${plural(epochsDone, 'epoch')} trained (${plural(m.progress.steps, 'step')}), ${describeModel(m.config)}`;
    setState('loaded', `${summary}. Scoring the held-out images…`);
    showCheckpointStatus(`Loaded ${source} (${(bytes.length / 1024).toFixed(0)} KB).`);
    requestPredict();
    const accuracy = await heldOutAccuracy(m);
    if (m !== model) return;
    if (accuracy !== null) accChart.push(epochsDone, accuracy * 100);
    const target = Number(field('epochs'));
    const next =
      Number.isInteger(target) && target > epochsDone
        ? `Resume trains it on to epoch ${target}`
        : `Set Epochs above ${epochsDone} and press Resume to train it on`;
    showStatus(`${summary}${accuracy === null ? '' : `, held-out accuracy ${(accuracy * 100).toFixed(2)} %`}. ${next}; Train new starts over.`);
  });
}

/** The model's accuracy on the form's held-out images (null when the digits or settings are not there). */
async function heldOutAccuracy(m: Sequential): Promise<number | null> {
  let s: Settings;
  try {
    s = readSettings();
  } catch {
    return null;
  }
  if (!digits || s.train + s.test > MNIST_PACKAGE_IMAGES) return null;
  const { test } = splitMnist(digits, { trainSize: s.train, testSize: s.test });
  return (await m.evaluate(test.x, test.labels)).accuracy ?? null;
}

saveButton.addEventListener('click', () => void onSave('download'));
storeButton.addEventListener('click', () => void onSave('browser'));
loadButton.addEventListener('click', () => loadInput.click());
loadInput.addEventListener('change', () => {
  const file = loadInput.files?.[0];
  loadInput.value = ''; // choosing the same file again must fire 'change' again
  if (file) void onLoad(file.name, () => readFileBytes(file));
});
restoreButton.addEventListener('click', () => void onLoad('the checkpoint saved in this browser', restoreCheckpoint));

// ---- drawing pad --------------------------------------------------------------------------------

const g = pad.getContext('2d', { willReadFrequently: true })!;
const pg = preview.getContext('2d')!;

function clearPad(): void {
  g.fillStyle = '#000';
  g.fillRect(0, 0, pad.width, pad.height);
  pg.fillStyle = '#000';
  pg.fillRect(0, 0, SIDE, SIDE);
}
clearPad();

let last: { x: number; y: number } | null = null;
let moveQueued = false;

function padPoint(e: PointerEvent): { x: number; y: number } {
  const r = pad.getBoundingClientRect();
  return { x: ((e.clientX - r.left) * pad.width) / r.width, y: ((e.clientY - r.top) * pad.height) / r.height };
}

function stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
  g.strokeStyle = '#fff';
  g.lineWidth = 22;
  g.lineCap = 'round';
  g.lineJoin = 'round';
  g.beginPath();
  g.moveTo(from.x, from.y);
  g.lineTo(to.x, to.y);
  g.stroke();
}

pad.addEventListener('pointerdown', (e) => {
  e.preventDefault();
  pad.setPointerCapture(e.pointerId);
  last = padPoint(e);
  stroke(last, last);
  requestPredict();
});
pad.addEventListener('pointermove', (e) => {
  if (!last) return;
  const points = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
  for (const ev of points.length ? points : [e]) {
    const p = padPoint(ev);
    stroke(last, p);
    last = p;
  }
  if (!moveQueued) {
    moveQueued = true;
    requestAnimationFrame(() => {
      moveQueued = false;
      requestPredict();
    });
  }
});
for (const type of ['pointerup', 'pointercancel'] as const) {
  pad.addEventListener(type, () => {
    if (!last) return;
    last = null;
    requestPredict();
  });
}
$('clear').addEventListener('click', () => {
  clearPad();
  lastPrediction = null;
  renderPrediction(null, 'Draw a digit.');
});

/** The pad as a 28×28 MNIST-like input (null when empty), also shown in the preview. */
function readPad(): Float32Array | null {
  const image = g.getImageData(0, 0, pad.width, pad.height);
  const input = toMnistInput(grayFromRgba(image.data, pad.width, pad.height), pad.width, pad.height);
  const out = pg.createImageData(SIDE, SIDE);
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = Math.round((input?.[i] ?? 0) * 255);
    out.data.set([v, v, v, 255], i * 4);
  }
  pg.putImageData(out, 0, 0);
  return input;
}

/** Classifies the pad; calls while one is running collapse into one more run afterwards. */
function requestPredict(): void {
  if (predictBusy) {
    predictAgain = true;
    return;
  }
  predictBusy = true;
  predicting = (async () => {
    try {
      do {
        predictAgain = false;
        await predictOnce();
      } while (predictAgain);
    } finally {
      predictBusy = false;
    }
  })();
}

async function predictOnce(): Promise<void> {
  const input = readPad();
  if (!input) {
    lastPrediction = null;
    renderPrediction(null, model ? 'Draw a digit.' : 'Train a model, then draw.');
    return;
  }
  const m = model;
  if (!m) {
    renderPrediction(null, 'Train a model first (press Train).');
    return;
  }
  if (state === 'training' || state === 'pausing') predictionLine.textContent = 'Classifying after the current epoch…';
  let outputs: Float32Array;
  try {
    outputs = await m.predict(input);
  } catch (e) {
    if (m !== model) return; // the model was replaced while this waited
    throw e;
  }
  if (m !== model) return;
  const probabilities = toProbabilities(outputs, modelOutput);
  let digit = 0;
  probabilities.forEach((p, i) => p > probabilities[digit] && (digit = i));
  lastPrediction = { digit, probabilities };
  renderPrediction(lastPrediction);
}

function renderPrediction(p: Prediction | null, message?: string): void {
  bars.replaceChildren();
  if (!p) {
    predictionLine.textContent = message ?? '';
    return;
  }
  predictionLine.innerHTML = `Looks like a <strong>${p.digit}</strong> (${(p.probabilities[p.digit] * 100).toFixed(1)} %)`;
  p.probabilities.forEach((prob, digit) => {
    const li = document.createElement('li');
    li.className = digit === p.digit ? 'top' : '';
    li.dataset.digit = String(digit);
    li.dataset.probability = String(prob);
    const label = document.createElement('span');
    label.textContent = String(digit);
    const track = document.createElement('span');
    track.className = 'track';
    const fill = document.createElement('span');
    fill.className = 'fill';
    fill.style.display = 'block';
    fill.style.width = `${(prob * 100).toFixed(2)}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'value';
    value.textContent = `${(prob * 100).toFixed(1)} %`;
    li.append(label, track, value);
    bars.append(li);
  });
}

// ---- debug handle and start-up ------------------------------------------------------------------

const debug = {
  get state() {
    return state;
  },
  get error() {
    return lastError;
  },
  get gpuError() {
    return gpuError;
  },
  get adapter() {
    return adapter;
  },
  get epochsDone() {
    return epochsDone;
  },
  get prediction() {
    return lastPrediction;
  },
  /** True while a classification of the pad is running or queued. */
  get predicting() {
    return predictBusy;
  },
  get imagesLoaded() {
    return digits ? digits.reduce((n, d) => n + d.length / PIXELS, 0) : 0;
  },
  /** [xs, ys] as plotted by uPlot. */
  lossData: () => lossChart.plotted(),
  accuracyData: () => accChart.plotted(),
  settings: () => readSettings(),
  train: () => onTrain(),
  /** The model's network in words (describeNetwork), null without a model. */
  get network() {
    return model ? describeNetwork(model.config) : null;
  },
  /** The model's epochs and steps trained (null without a model). */
  get progress() {
    return model?.progress ?? null;
  },
  /** True while a checkpoint is being saved or loaded. */
  get checkpointBusy() {
    return checkpointBusy;
  },
  /** The checkpoint line: the last save/load message, and whether it is an error. */
  get checkpointStatus() {
    return { text: checkpointLine.textContent ?? '', error: checkpointLine.classList.contains('error') };
  },
};

declare global {
  interface Window {
    __demo: typeof debug;
  }
}
window.__demo = debug;

setState('loading', 'Loading the MNIST digits (0/10)…');
if (field('backend') === 'gpu') {
  gpuContext().catch(() => {
    /* shown in the notice */
  });
} else {
  adapterLine.textContent = 'Backend: CPU (reference implementation)';
}
fetchDigits((n) => showStatus(`Loading the MNIST digits (${n}/10)…`))
  .then((loaded) => {
    digits = loaded;
    setState('ready', `${debug.imagesLoaded.toLocaleString()} MNIST images loaded. Press Train.`);
    if (params.get('autostart') === '1') void onTrain();
  })
  .catch((e: unknown) => {
    lastError = errorText(e);
    setState('error', `Could not load the MNIST digits: ${lastError}`);
  });

// A training run: Train builds a new model from the form, Resume trains the page's model on up to
// the form's Epochs, and either is ONE fit call over all its epochs, with the held-out images as
// validationData: the loss chart follows fit's progress reports, the accuracy chart its per-epoch
// validation. Pause and Resume act at epoch boundaries (the model's pause/resume); Restart and
// loading a checkpoint stop the running fit after its current epoch.
import { WebGPUUnavailableError } from '../src/index';
import type { TrainingCharts } from './charts';
import { describeNetwork } from './models';
import { DemoModel } from './model';
import type { DrawingPad } from './pad';
import { errorText, page, plural, setState, showStatus, ui } from './page';
import { modelOptions, readSettings, splitDigits, targetEpochs, type Settings } from './settings';

export interface TrainingDeps {
  charts: TrainingCharts;
  pad: DrawingPad;
  /** Called with a new model's backend once it is built (the adapter line). */
  onModel?: (model: DemoModel) => void;
  /** Called with the error that ended a run (after the status line shows it): the notice for some. */
  onError?: (e: unknown) => void;
}

let deps: TrainingDeps;
/** Counts runs: a run whose id is no longer runId was replaced and stops touching the page. */
let runId = 0;
let running: Promise<void> = Promise.resolve();
/** The model the running fit trains (null when none runs). */
let fitting: DemoModel | null = null;
let pauseRequested = false;

export function initTraining(d: TrainingDeps): void {
  deps = d;
  ui.train.addEventListener('click', () => void train());
  ui.pause.addEventListener('click', () => {
    if (!fitting) return;
    pauseRequested = true;
    fitting.pause();
    setState('pausing', `${ui.status.textContent ?? ''}\nPausing after this epoch…`);
  });
  ui.resume.addEventListener('click', () => {
    if (page.state === 'done' || page.state === 'loaded') {
      void trainOn();
      return;
    }
    if (!fitting) return;
    pauseRequested = false;
    fitting.resume();
    setState('training', 'Resuming…');
  });
}

/** Ends the running fit, if any (after its current epoch; at once when paused), and waits for it. */
export async function stopTraining(): Promise<number> {
  const id = ++runId;
  pauseRequested = false;
  fitting?.stop();
  await running;
  return id;
}

/** Trains a new model from the form, or with `resume`, trains that model on up to the form's Epochs. */
export async function train(resume: DemoModel | null = null): Promise<void> {
  const id = await stopTraining();
  if (id !== runId) return;
  running = run(id, resume).catch((e: unknown) => {
    if (id !== runId) return;
    page.lastError = errorText(e);
    setState('error', page.lastError);
    if (!(e instanceof WebGPUUnavailableError)) console.error(e);
    deps.onError?.(e);
  });
  await running;
}

/** Resume on a model no fit is using (restored, or done): trains it on up to the form's Epochs. */
async function trainOn(): Promise<void> {
  const m = page.model;
  if (!m) return;
  const trained = m.progress.epochs;
  const target = targetEpochs();
  if (target <= trained) {
    showStatus(`This model has trained ${plural(trained, 'epoch')}; set Epochs above ${trained} and press Resume to train it on.`);
    return;
  }
  await train(m);
}

const where = (m: DemoModel) => (m.backend === 'cpu' ? 'the CPU backend' : 'WebGPU');

async function run(id: number, resume: DemoModel | null): Promise<void> {
  const s = readSettings();
  if (!page.digits) throw new Error('the MNIST digits are not loaded yet');
  const { train: trainSet, test } = splitDigits(page.digits, s);
  page.lastError = null;
  let m: DemoModel;
  if (resume) {
    // Model, loss and activations are the checkpoint's; the training settings are the form's.
    m = resume;
    setState('training', `Resuming ${describeNetwork(m.config)} after epoch ${m.progress.epochs} on ${trainSet.size} images with ${where(m)}…`);
  } else {
    setState('training', 'Building the model…');
    await deps.pad.idle();
    page.model?.dispose();
    page.model = null;
    const options = modelOptions(s);
    m = await DemoModel.create(options, s.backend);
    if (id !== runId) {
      m.dispose();
      return;
    }
    page.model = m;
    deps.onModel?.(m);
    deps.charts.clear();
    showStatus(`Training ${describeNetwork(m.config)} (${options.init} init) on ${trainSet.size} images with ${where(m)}…`);
    deps.pad.requestPredict();
  }
  const before = m.progress.epochs;
  if (s.epochs > before) await fitEpochs(id, m, s, trainSet, test, before);
  if (id !== runId) return;
  const done = m.progress.epochs;
  setState('done', `Done: ${plural(done, 'epoch')}, held-out accuracy ${deps.charts.lastAccuracy?.toFixed(2)} %. Draw a digit →`);
}

/** The one fit call of a run: epochs before+1 .. s.epochs (epochs count on from the model's own). */
async function fitEpochs(
  id: number,
  m: DemoModel,
  s: Settings,
  trainSet: { x: Float32Array; labels: Uint8Array; size: number },
  test: { x: Float32Array; labels: Uint8Array; size: number },
  before: number,
): Promise<void> {
  const batch = Math.min(s.batch, trainSet.size);
  const { charts, pad } = deps;
  charts.startFit();
  pauseRequested = false;
  fitting = m;
  const times = (page.lastFit = { started: performance.now(), handedOver: null as number | null, ended: null as number | null });
  try {
    const fit = m.fit(trainSet.x, trainSet.labels, {
      epochs: s.epochs - before,
      batchSize: batch,
      optimizer: s.optimizer,
      learningRate: s.lr,
      // β only for the optimizers that take it: fit refuses options that do not apply.
      ...(s.optimizer === 'momentum' || s.optimizer === 'nesterov' ? { momentum: s.momentum } : {}),
      validationData: [test.x, test.labels],
      onProgress: (p) => {
        if (id !== runId) return;
        charts.progress(p, before, trainSet.size, batch);
        if (!p.epochDone) {
          showStatus(
            `Epoch ${before + p.epoch}/${s.epochs} · step ${p.step}/${p.steps} · loss ${p.loss.toFixed(4)} · ` +
              `${Math.round(p.samplesPerSecond).toLocaleString()} images/s`,
          );
        }
      },
      onEpochEnd: (info) => {
        if (id !== runId) return false;
        const epoch = before + info.epoch;
        const accuracy = info.valAccuracy ?? NaN; // always present: softmax, sigmoid or one-hot targets
        charts.heldOut(epoch, accuracy);
        const line =
          `Epoch ${epoch}/${s.epochs}: held-out accuracy ${(accuracy * 100).toFixed(2)} % ` +
          `(loss ${(info.valLoss ?? NaN).toFixed(4)}, ${test.size} images)`;
        // The model holds fit here when a pause was asked for (not after the last epoch).
        if (pauseRequested && info.epoch < info.epochs) setState('paused', `${line}\nPaused after epoch ${epoch}. Resume to go on.`);
        else showStatus(line);
        pad.requestPredict();
        return true;
      },
    });
    // fit has copied the images to the worker (a structured clone, on this thread); from here on the
    // epochs run there.
    times.handedOver = performance.now();
    await fit;
  } finally {
    times.ended = performance.now();
    if (fitting === m) fitting = null;
  }
}

/** The model's accuracy on the form's held-out images (null when the digits or settings are not there). */
export async function heldOutAccuracy(m: DemoModel): Promise<number | null> {
  let s: Settings;
  try {
    s = readSettings();
  } catch {
    return null;
  }
  if (!page.digits) return null;
  let test;
  try {
    test = splitDigits(page.digits, s).test;
  } catch {
    return null;
  }
  return (await m.evaluate(test.x, test.labels)).accuracy ?? null;
}

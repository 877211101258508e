// The MNIST demo page, wired together: pick a network and its training settings, train it (in a
// Worker, so the page stays responsive) with live loss and accuracy charts (pausable between
// epochs), save and load checkpoints, then draw digits for it to classify. One module per concern:
//   settings.ts     the form (URL presets, reading and checking it)
//   page.ts         page state, buttons, status lines and the notice
//   model.ts        the worker client: the model lives in a module Worker (train-worker.ts) and is
//                   driven through webgpu-train/worker's TrainingWorker
//   training.ts     a training run: one fit call with validation, feeding the charts
//   charts.ts       the loss and accuracy charts
//   pad.ts          the drawing pad and the prediction bars
//   checkpoints.ts  Save / Load / IndexedDB store and restore
// This module makes the adapter line and the notices, the `window.__demo` debug handle the e2e test
// reads (state, chart data, last prediction), and starts the page: digits loading, `autostart=1`
// (names as in the form, e.g. `?hidden=64&epochs=1&train=1000&autostart=1`) pressing Train.
import { DeviceLostError, WebGPUUnavailableError, type AdapterDescription } from '../src/index';
import { TrainingCharts } from './charts';
import { initCheckpoints } from './checkpoints';
import { PIXELS, fetchDigits } from './data';
import { DemoModel } from './model';
import { describeNetwork } from './models';
import { DrawingPad } from './pad';
import { $, errorText, hideNotice, page, setState, showNotice, showStatus, ui } from './page';
import { toProbabilities } from './preprocess';
import { backendField, field, params, presetFromUrl, readSettings, setField } from './settings';
import { initTraining, train } from './training';

presetFromUrl();

/** What the adapter line last said about WebGPU, and the error when it is not there. */
let adapter: AdapterDescription | null = null;
let gpuError: string | null = null;

function showAdapter(a: AdapterDescription): void {
  if (adapter) return; // shown once: every model of the page trains on the same device
  adapter = a;
  gpuError = null;
  const name = [a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' · ') || 'unnamed adapter';
  ui.adapter.textContent = `WebGPU adapter: ${name}${a.isFallbackAdapter ? ' (fallback adapter)' : ''}`;
  if (a.isFallbackAdapter) {
    showNotice(
      'This is a software fallback adapter (for example SwiftShader): training is correct but runs on the CPU, ' +
        'so it is slow. Use fewer training images, or a browser with hardware WebGPU.',
      'warning',
    );
  }
}

function showNoWebGPU(e: unknown): void {
  gpuError = errorText(e);
  ui.adapter.textContent = 'WebGPU: not available';
  const message = e instanceof WebGPUUnavailableError ? e.message : `Could not start WebGPU: ${errorText(e)}`;
  showNotice(message, 'error', {
    label: 'Train on the CPU backend instead',
    run: () => {
      setField('backend', 'cpu');
      if (Number(field('train')) > 2000) setField('train', '2000');
      hideNotice();
      void train();
    },
  });
}

const charts = new TrainingCharts($('loss-chart'), $('acc-chart'));
const pad = new DrawingPad($<HTMLCanvasElement>('pad'), $<HTMLCanvasElement>('preview'), $('clear'), $('prediction'), $('bars'), {
  unavailable: () => (page.model ? null : 'Train a model first (press Train).'),
  waiting: () => (page.state === 'training' || page.state === 'pausing' ? 'Classifying at the end of the current epoch…' : null),
  emptyMessage: () => (page.model ? 'Draw a digit.' : 'Train a model, then draw.'),
  classify: async (input) => {
    const m = page.model!;
    let outputs: Float32Array;
    try {
      outputs = await m.predict(input);
    } catch (e) {
      if (m !== page.model) return null; // the model was replaced while this waited
      throw e;
    }
    return m === page.model ? toProbabilities(outputs, m.output) : null;
  },
});
const onModel = (m: DemoModel) => m.adapter && showAdapter(m.adapter);
initTraining({
  charts,
  pad,
  onModel,
  onError: (e) => {
    if (e instanceof WebGPUUnavailableError) showNoWebGPU(e);
    else if (e instanceof DeviceLostError) showNotice(`The GPU device was lost (${e.message}). Press Train to start again on a new device.`, 'error');
  },
});
initCheckpoints({ charts, pad, onModel });

// ---- debug handle and start-up ------------------------------------------------------------------

const debug = {
  get state() {
    return page.state;
  },
  get error() {
    return page.lastError;
  },
  get gpuError() {
    return gpuError;
  },
  get adapter() {
    return adapter;
  },
  /** When the last fit call started, handed its data over and ended (performance.now()), for the main-thread checks. */
  get lastFit() {
    return page.lastFit;
  },
  /** Epochs the page's model has trained. */
  get epochsDone() {
    return page.model?.progress.epochs ?? 0;
  },
  get prediction() {
    return pad.last;
  },
  /** True while a classification of the pad is running or queued. */
  get predicting() {
    return pad.predicting;
  },
  get imagesLoaded() {
    return page.digits ? page.digits.reduce((n, d) => n + d.length / PIXELS, 0) : 0;
  },
  /** [xs, ys] as plotted by uPlot. */
  lossData: () => charts.loss.plotted(),
  accuracyData: () => charts.accuracy.plotted(),
  settings: () => readSettings(),
  train: () => train(),
  /** The model's network in words (describeNetwork), null without a model. */
  get network() {
    return page.model ? describeNetwork(page.model.config) : null;
  },
  /** The model's epochs and steps trained (null without a model). */
  get progress() {
    return page.model?.progress ?? null;
  },
  /** True while a checkpoint is being saved or loaded. */
  get checkpointBusy() {
    return page.checkpointBusy;
  },
  /** The checkpoint line: the last save/load message, and whether it is an error. */
  get checkpointStatus() {
    return { text: ui.checkpointLine.textContent ?? '', error: ui.checkpointLine.classList.contains('error') };
  },
};

declare global {
  interface Window {
    __demo: typeof debug;
  }
}
window.__demo = debug;

setState('loading', 'Loading the MNIST digits (0/10)…');
if (backendField() === 'gpu') {
  DemoModel.probe().then(showAdapter, showNoWebGPU);
} else {
  ui.adapter.textContent = 'Backend: CPU (reference implementation)';
}
fetchDigits((n) => showStatus(`Loading the MNIST digits (${n}/10)…`))
  .then((loaded) => {
    page.digits = loaded;
    setState('ready', `${debug.imagesLoaded.toLocaleString()} MNIST images loaded. Press Train.`);
    if (params.get('autostart') === '1') void train();
  })
  .catch((e: unknown) => {
    page.lastError = errorText(e);
    setState('error', `Could not load the MNIST digits: ${page.lastError}`);
  });

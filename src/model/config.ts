import { ConfigError } from '../errors.js';
import { checkedOptions, kindOf, oneOf } from '../options.js';
import { ACTIVATIONS, INITIALIZERS, LOSSES, type Activation, type ElementwiseActivation, type InitializerName, type LossName } from '../types.js';

/** One dense layer: `units` outputs, then an activation (default linear). */
export interface LayerSpec {
  units: number;
  activation?: Activation;
  /** Negative-side slope of leakyRelu (default 0.01). */
  slope?: number;
}

/** A validated network description, shared by both backends. */
export interface NetConfig {
  inputSize: number;
  layers: { units: number; activation: Activation; slope: number }[];
  loss: LossName;
  init: InitializerName;
  seed: number;
}

const MAX_UNITS = 1 << 24;

function positiveInteger(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_UNITS) {
    throw new ConfigError(`${what} must be a whole number from 1 to ${MAX_UNITS}, got ${kindOf(value)}`);
  }
  return value;
}


/** The keys of Sequential.create's options; `backend` is not part of the network and not checked here. */
export const MODEL_OPTION_KEYS = ['inputSize', 'layers', 'loss', 'init', 'seed', 'backend'] as const;
const LAYER_KEYS = ['units', 'activation', 'slope'] as const;

export function netConfig(given: {
  inputSize: number;
  layers: LayerSpec[];
  loss?: LossName;
  init?: InitializerName;
  seed?: number;
}): NetConfig {
  if (typeof given !== 'object' || given === null) throw new ConfigError('model options must be an object { inputSize, layers, ... }');
  const options = checkedOptions<typeof given>('model options', given, MODEL_OPTION_KEYS) as typeof given;
  const inputSize = positiveInteger('inputSize', options.inputSize);
  if (!Array.isArray(options.layers) || options.layers.length === 0) {
    throw new ConfigError('layers must be a non-empty array of { units, activation }');
  }
  const layers = options.layers.map((spec, i) => {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new ConfigError(`layers[${i}] must be an object { units, activation }`);
    checkedOptions(`layers[${i}]`, spec, LAYER_KEYS);
    const units = positiveInteger(`layers[${i}].units`, spec.units);
    const activation = oneOf(`layers[${i}].activation`, spec.activation ?? 'linear', ACTIVATIONS);
    const slope = spec.slope ?? 0.01;
    if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ConfigError(`layers[${i}].slope must be a finite number, got ${kindOf(slope)}`);
    if (activation === 'softmax' && i !== options.layers.length - 1) {
      throw new ConfigError(`layers[${i}]: softmax is only supported on the output layer`);
    }
    return { units, activation, slope };
  });
  const last = layers[layers.length - 1].activation;
  const loss = oneOf('loss', options.loss ?? (last === 'softmax' ? 'crossEntropy' : 'mse'), LOSSES);
  if (loss === 'crossEntropy' && last !== 'softmax') {
    throw new ConfigError(`loss 'crossEntropy' needs a softmax output layer (it works on the logits); the output layer is ${last}`);
  }
  if (last === 'softmax' && layers[layers.length - 1].units === 1) {
    throw new ConfigError(
      'a softmax over 1 unit always outputs 1 (loss 0, zero gradients: nothing trains); for two classes use ' +
        "{ units: 1, activation: 'sigmoid' } with loss 'binaryCrossEntropy', or 2 softmax units",
    );
  }
  if (loss === 'binaryCrossEntropy' && last !== 'sigmoid') {
    throw new ConfigError(`loss 'binaryCrossEntropy' needs a sigmoid output layer; the output layer is ${last}`);
  }
  if (loss === 'mse' && last === 'softmax') {
    throw new ConfigError("a softmax output layer trains with loss 'crossEntropy', not 'mse'");
  }
  const init = oneOf('init', options.init ?? 'auto', INITIALIZERS);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ConfigError(`seed must be a whole number from 0 to 2^32−1, got ${kindOf(seed)}`);
  }
  return { inputSize, layers, loss, init, seed };
}

/** The element-wise activation the dense kernel applies (softmax runs after it, row-wise). */
export function denseActivation(activation: Activation): ElementwiseActivation {
  return activation === 'softmax' ? 'linear' : activation;
}

export function outputSize(cfg: NetConfig): number {
  return cfg.layers[cfg.layers.length - 1].units;
}

import { ConfigError } from '../errors.js';
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
    throw new ConfigError(`${what} must be a whole number from 1 to ${MAX_UNITS}, got ${String(value)}`);
  }
  return value;
}

function oneOf<T extends string>(what: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new ConfigError(`${what} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`);
  }
  return value as T;
}

export function netConfig(options: {
  inputSize: number;
  layers: LayerSpec[];
  loss?: LossName;
  init?: InitializerName;
  seed?: number;
}): NetConfig {
  if (typeof options !== 'object' || options === null) throw new ConfigError('model options must be an object');
  const inputSize = positiveInteger('inputSize', options.inputSize);
  if (!Array.isArray(options.layers) || options.layers.length === 0) {
    throw new ConfigError('layers must be a non-empty array of { units, activation }');
  }
  const layers = options.layers.map((spec, i) => {
    if (typeof spec !== 'object' || spec === null) throw new ConfigError(`layers[${i}] must be an object { units, activation }`);
    const units = positiveInteger(`layers[${i}].units`, spec.units);
    const activation = oneOf(`layers[${i}].activation`, spec.activation ?? 'linear', ACTIVATIONS);
    const slope = spec.slope ?? 0.01;
    if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ConfigError(`layers[${i}].slope must be a finite number`);
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
  if (loss === 'binaryCrossEntropy' && last !== 'sigmoid') {
    throw new ConfigError(`loss 'binaryCrossEntropy' needs a sigmoid output layer; the output layer is ${last}`);
  }
  if (loss === 'mse' && last === 'softmax') {
    throw new ConfigError("a softmax output layer trains with loss 'crossEntropy', not 'mse'");
  }
  const init = oneOf('init', options.init ?? 'normal', INITIALIZERS);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ConfigError(`seed must be a whole number from 0 to 2^32−1, got ${String(seed)}`);
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

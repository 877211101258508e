import { ConfigError } from '../errors.js';
import type { Conv2dConfig } from '../layers/conv2d.js';
import type { DenseConfig } from '../layers/dense.js';
import type { DropoutConfig } from '../layers/dropout.js';
import type { FlattenConfig } from '../layers/flatten.js';
import { LAYER_MODULES, LAYER_TYPES, layerModule, type LayerType, type Shape } from '../layers/index.js';
import type { LayerNormConfig } from '../layers/layer_norm.js';
import type { Pool2dConfig } from '../layers/pool2d.js';
import type { RandomShiftConfig } from '../layers/random_shift.js';
import { MAX_SIZE } from '../layers/spec.js';
import { checkedOptions, kindOf, nearest, oneOf } from '../options.js';
import { INITIALIZERS, LOSSES, type Activation, type InitializerName, type LossName } from '../types.js';

/** A dense layer: `units` outputs, then an activation (default linear). `type: 'dense'` is optional. */
export interface DenseSpec {
  type?: 'dense';
  units: number;
  activation?: Activation;
  /** Negative-side slope of leakyRelu (default 0.01). */
  slope?: number;
}

/** PyTorch's Conv2d on [channels, height, width] inputs, then an activation (default linear). */
export interface Conv2dSpec {
  type: 'conv2d';
  filters: number;
  kernelSize: number | [number, number];
  /** Default 1. */
  stride?: number | [number, number];
  /** Default 'valid' (none); 'same' keeps the size (stride 1, odd kernels); or pixels on each side. */
  padding?: 'valid' | 'same' | number | [number, number];
  activation?: Activation;
  slope?: number;
}

/** Max or average pooling without padding; stride defaults to poolSize. */
export interface Pool2dSpec {
  type: 'maxPool2d' | 'avgPool2d';
  poolSize: number | [number, number];
  stride?: number | [number, number];
}

/** [channels, height, width] → [channels·height·width], in (C, H, W) order (PyTorch's nn.Flatten). */
export interface FlattenSpec {
  type: 'flatten';
}

/** Inverted dropout in training (the identity otherwise): drops a share `rate` (0 ≤ rate < 1). */
export interface DropoutSpec {
  type: 'dropout';
  rate: number;
}

/** PyTorch's LayerNorm over each sample's values, with a learnable weight (1) and bias (0). */
export interface LayerNormSpec {
  type: 'layerNorm';
  /** Default 1e-5. */
  epsilon?: number;
}

/**
 * Augmentation in training (the identity otherwise): each image moves by a random whole-pixel
 * offset of at most maxShift (n, or [maxY, maxX]) rows and columns, zero fill.
 */
export interface RandomShiftSpec {
  type: 'randomShift';
  maxShift: number | [number, number];
}

export type LayerSpec = DenseSpec | Conv2dSpec | Pool2dSpec | FlattenSpec | DropoutSpec | LayerNormSpec | RandomShiftSpec;

/** A layer's canonical config: what a checkpoint stores (dense keeps { units, activation, slope }). */
export type LayerConfig = DenseConfig | Conv2dConfig | Pool2dConfig | FlattenConfig | DropoutConfig | LayerNormConfig | RandomShiftConfig;

/** A validated network description, shared by both backends. */
export interface NetConfig {
  /** Values per sample (the product of inputShape). */
  inputSize: number;
  /** [channels, height, width] for images; absent for flat inputs. */
  inputShape?: [number, number, number];
  layers: LayerConfig[];
  loss: LossName;
  init: InitializerName;
  seed: number;
}

/** The keys of Sequential.create's options; `backend` is not part of the network and not checked here. */
export const MODEL_OPTION_KEYS = ['inputSize', 'inputShape', 'layers', 'loss', 'init', 'seed', 'backend'] as const;

function inputShapeOf(options: { inputSize?: unknown; inputShape?: unknown }): { inputSize: number; inputShape?: [number, number, number] } {
  const size = (what: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_SIZE) {
      throw new ConfigError(`${what} must be a whole number from 1 to ${MAX_SIZE}, got ${kindOf(value)}`);
    }
    return value;
  };
  if (options.inputShape === undefined) {
    if (options.inputSize === undefined) throw new ConfigError('give the model inputSize (values per sample) or inputShape: [channels, height, width]');
    return { inputSize: size('inputSize', options.inputSize) };
  }
  const shape = options.inputShape;
  if (!Array.isArray(shape) || shape.length !== 3) {
    throw new ConfigError(`inputShape must be [channels, height, width] (a row of x holds one sample's C·H·W values, channel-major), got ${kindOf(shape)}; for flat inputs give inputSize`);
  }
  const dims = shape.map((v, i) => size(`inputShape[${i}]`, v)) as [number, number, number];
  const inputSize = dims[0] * dims[1] * dims[2];
  if (inputSize > MAX_SIZE) throw new ConfigError(`inputShape [${dims.join(', ')}] has ${inputSize} values per sample, more than ${MAX_SIZE}`);
  if (options.inputSize !== undefined && options.inputSize !== inputSize) {
    throw new ConfigError(`inputSize ${kindOf(options.inputSize)} does not match inputShape [${dims.join(', ')}] (${inputSize} values); give just one of them`);
  }
  return { inputSize, inputShape: dims };
}

/** Each layer's spec checked against its input shape, as canonical configs. */
function layerConfigs(specs: unknown, inShape: Shape): LayerConfig[] {
  if (!Array.isArray(specs) || specs.length === 0) throw new ConfigError('layers must be a non-empty array of layer specs, e.g. { units: 10, activation: "softmax" }');
  let shape = inShape;
  return specs.map((spec, i) => {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw new ConfigError(`layers[${i}] must be an object such as { units, activation } or { type: 'conv2d', filters, kernelSize }, got ${kindOf(spec)}`);
    }
    const given = spec as Record<string, unknown>;
    const type = given.type ?? 'dense';
    if (typeof type !== 'string' || !Object.hasOwn(LAYER_MODULES, type)) {
      const guess = typeof type === 'string' ? nearest(type, LAYER_TYPES) : null;
      throw new ConfigError(`layers[${i}]: unknown type ${typeof type === 'string' ? JSON.stringify(type) : kindOf(type)}${guess ? ` (did you mean "${guess}"?)` : ''}; the types are ${LAYER_TYPES.join(', ')}`);
    }
    const module = LAYER_MODULES[type as LayerType] as unknown as ReturnType<typeof layerModule>;
    const where = `layers[${i}] (${type})`;
    checkedOptions(where, given, ['type', ...module.keys]);
    const layer = module.configure(given, shape, where) as LayerConfig;
    shape = module.outputShape(layer, shape, where);
    return layer;
  });
}

export function netConfig(given: {
  inputSize?: number;
  inputShape?: [number, number, number];
  layers: readonly LayerSpec[];
  loss?: LossName;
  init?: InitializerName;
  seed?: number;
}): NetConfig {
  if (typeof given !== 'object' || given === null) throw new ConfigError('model options must be an object { inputSize, layers, ... }');
  const options = checkedOptions<typeof given>('model options', given, MODEL_OPTION_KEYS) as typeof given;
  const input = inputShapeOf(options);
  const layers = layerConfigs(options.layers, input.inputShape ?? [input.inputSize]);
  layers.forEach((layer, i) => {
    if (layer.type === undefined && layer.activation === 'softmax' && i !== layers.length - 1) {
      throw new ConfigError(`layers[${i}]: softmax is only supported on the output layer`);
    }
  });
  const out = layers[layers.length - 1];
  if (out.type !== undefined) {
    throw new ConfigError(
      `layers[${layers.length - 1}] (${out.type}): the output layer must be dense; end with e.g. { units: 10, activation: 'softmax' }` +
        (out.type === 'flatten' || out.type === 'dropout' ? '' : " (after { type: 'flatten' } for image layers)"),
    );
  }
  const last = out.activation;
  const loss = oneOf('loss', options.loss ?? (last === 'softmax' ? 'crossEntropy' : 'mse'), LOSSES);
  if (loss === 'crossEntropy' && last !== 'softmax') {
    throw new ConfigError(`loss 'crossEntropy' needs a softmax output layer (it works on the logits); the output layer is ${last}`);
  }
  if (last === 'softmax' && out.units === 1) {
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
  return { inputSize: input.inputSize, ...(input.inputShape ? { inputShape: input.inputShape } : {}), layers, loss, init, seed };
}

/** Each layer's input and output shape (per sample). */
export function layerShapes(cfg: NetConfig): { inShape: Shape; outShape: Shape }[] {
  let shape: Shape = cfg.inputShape ?? [cfg.inputSize];
  return cfg.layers.map((layer) => {
    const inShape = shape;
    shape = layerModule(layer).outputShape(layer, inShape);
    return { inShape, outShape: shape };
  });
}

/** A layer's activation ('linear' for layers without one). */
export function activationOf(layer: LayerConfig): Activation {
  return 'activation' in layer ? layer.activation : 'linear';
}

/** A layer's leakyRelu slope (0.01 where it has none). */
export function slopeOf(layer: LayerConfig): number {
  return 'slope' in layer ? layer.slope : 0.01;
}

/** The output layer (always dense). */
export function outputLayer(cfg: NetConfig): DenseConfig {
  return cfg.layers[cfg.layers.length - 1] as DenseConfig;
}

export function outputSize(cfg: NetConfig): number {
  return outputLayer(cfg).units;
}

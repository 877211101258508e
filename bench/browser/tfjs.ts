// TensorFlow.js 4.22 with its WebGPU backend in the page; the MLP itself is bench/shared/tfjs_mlp.ts,
// shared with the Node benchmark.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package imports this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import type { LayerTensors, NetConfig } from '../../src/index';
import { TfCnn as SharedCnn } from '../shared/tfjs_cnn';
import { readFlags as readTfFlags, setFlags as setTfFlags, TfMlp as SharedMlp, type TfjsFlags, type TfLayer } from '../shared/tfjs_mlp';

export type TfLayerInit = TfLayer;

export async function initTfjs(): Promise<{ version: string; defaults: TfjsFlags }> {
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not initialise its webgpu backend');
  await tf.ready();
  return { version: tf.version_core, defaults: readFlags() };
}

export function readFlags(): TfjsFlags {
  return readTfFlags(tf);
}

export function setFlags(flags: TfjsFlags): void {
  setTfFlags(tf, flags);
}

/** The shared MLP bound to this page's TF.js. */
export class TfMlp extends SharedMlp {
  constructor(init: TfLayer[], x: Float32Array, y: Float32Array, rows: number, learningRate: number, momentum: number) {
    super(tf, init, x, y, rows, learningRate, momentum);
  }
}

/** The shared CNN (bench/shared/tfjs_cnn.ts) bound to this page's TF.js. */
export class TfCnn extends SharedCnn {
  constructor(config: NetConfig, weights: readonly (LayerTensors | null)[], x: Float32Array, y: Float32Array, rows: number, learningRate: number, momentum: number) {
    super(tf, config, weights, x, y, rows, learningRate, momentum);
  }
}

export function numTensors(): number {
  return tf.memory().numTensors;
}

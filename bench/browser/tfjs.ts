// TensorFlow.js 4.22 with its WebGPU backend: the MLP written with tfjs-core the way tfjs-layers'
// Dense layer computes it (kernel [nIn, nOut], tf.fused.matMul with bias and activation), MSE loss,
// tf.train.momentum. Like this library's fit(), the dataset lives on the GPU and every step gathers
// its batch rows there by a shuffled index, and the losses are read back at the end of a call.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients (the @tensorflow/tfjs union package imports this).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import type { TfjsFlags } from './common';

export async function initTfjs(): Promise<{ version: string; defaults: TfjsFlags }> {
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not initialise its webgpu backend');
  await tf.ready();
  return { version: tf.version_core, defaults: readFlags() };
}

export function readFlags(): TfjsFlags {
  return {
    WEBGPU_CPU_FORWARD: tf.env().getBool('WEBGPU_CPU_FORWARD'),
    WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'),
  };
}

export function setFlags(flags: TfjsFlags): void {
  tf.env().set('WEBGPU_CPU_FORWARD', flags.WEBGPU_CPU_FORWARD);
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', flags.WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE);
}

export interface TfLayerInit {
  /** W [nOut, nIn] row-major, as this library's getWeights() gives it. */
  weight: Float32Array;
  bias: Float32Array;
  nIn: number;
  nOut: number;
  relu: boolean;
}

export class TfMlp {
  private readonly layers: { w: tf.Variable; b: tf.Variable; relu: boolean }[];
  private readonly x: tf.Tensor2D;
  private readonly y: tf.Tensor2D;
  private readonly optimizer: tf.MomentumOptimizer;

  constructor(init: TfLayerInit[], x: Float32Array, y: Float32Array, rows: number, learningRate: number, momentum: number) {
    this.layers = init.map((l, i) => ({
      w: tf.tidy(() => tf.variable(tf.transpose(tf.tensor2d(l.weight, [l.nOut, l.nIn])), true, `bench_w${i}_${uid}`)),
      b: tf.variable(tf.tensor1d(l.bias), true, `bench_b${i}_${uid}`),
      relu: l.relu,
    }));
    uid++;
    this.x = tf.tensor2d(x, [rows, init[0].nIn]);
    this.y = tf.tensor2d(y, [rows, init[init.length - 1].nOut]);
    // accum := β·accum + g; w −= μ·accum: the same trajectory as this library's m := β·m − μ·g; w += m.
    this.optimizer = tf.train.momentum(learningRate, momentum);
  }

  /**
   * One step per `batch` consecutive entries of `order` (row indices); resolves with every step's
   * loss, read back once after the last step (so the call's time includes all its GPU work).
   */
  async train(order: Uint32Array, batch: number): Promise<Float32Array> {
    const steps = Math.floor(order.length / batch);
    const vars = this.layers.flatMap((l) => [l.w, l.b]);
    const perm = tf.tensor1d(Int32Array.from(order), 'int32');
    const costs: tf.Scalar[] = [];
    for (let s = 0; s < steps; s++) {
      const cost = this.optimizer.minimize(
        () => {
          const rows = tf.slice(perm, s * batch, batch);
          let h = tf.gather(this.x, rows) as tf.Tensor2D;
          const target = tf.gather(this.y, rows);
          for (const l of this.layers) h = tf.fused.matMul({ a: h, b: l.w as tf.Tensor2D, bias: l.b, activation: l.relu ? 'relu' : 'linear' }) as tf.Tensor2D;
          return tf.mean(tf.squaredDifference(h, target));
        },
        true,
        vars,
      );
      costs.push(cost!);
    }
    const stacked = tf.stack(costs);
    const losses = (await stacked.data()) as Float32Array;
    stacked.dispose();
    tf.dispose(costs);
    perm.dispose();
    return losses;
  }

  dispose(): void {
    this.optimizer.dispose();
    for (const l of this.layers) tf.dispose([l.w, l.b]);
    tf.dispose([this.x, this.y]);
  }
}

let uid = 0;

export function numTensors(): number {
  return tf.memory().numTensors;
}

// The TensorFlow.js side of both benchmarks (Node: bench/lib/tfjs.ts; browser: bench/browser/tfjs.ts),
// written once. It takes the `tf` namespace as an argument and imports only types, so it runs wherever
// that namespace was loaded: the MLP written with tfjs-core the way tfjs-layers' Dense computes it
// (kernel [nIn, nOut], tf.fused.matMul with bias and activation), MSE loss, tf.train.momentum.
import type * as TF from '@tensorflow/tfjs-core';

export type Tf = typeof TF;

/** The two WebGPU-backend flags that matter for training speed (see shared/gpu/README.md). */
export interface TfjsFlags {
  WEBGPU_CPU_FORWARD: boolean;
  WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: number;
}

export function readFlags(tf: Tf): TfjsFlags {
  return {
    WEBGPU_CPU_FORWARD: tf.env().getBool('WEBGPU_CPU_FORWARD'),
    WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: tf.env().getNumber('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'),
  };
}

export function setFlags(tf: Tf, flags: TfjsFlags): void {
  tf.env().set('WEBGPU_CPU_FORWARD', flags.WEBGPU_CPU_FORWARD);
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', flags.WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE);
}

export interface TfLayer {
  /** W [nOut, nIn] row-major, as this library's getWeights() gives it. */
  weight: Float32Array;
  bias: Float32Array;
  nIn: number;
  nOut: number;
  relu: boolean;
}

let instances = 0;

/**
 * An MLP trained with MSE and tf.train.momentum (accum := β·accum + g; w := w − μ·accum, the same
 * trajectory as this library's m := β·m − μ·g; w := w + m). Like this library's fit(), the dataset
 * lives on the GPU, every step gathers its batch rows there by a shuffled index, and the losses are
 * read back once at the end of a call.
 */
export class TfMlp {
  private readonly vars: { w: TF.Variable; b: TF.Variable; relu: boolean }[];
  private readonly x: TF.Tensor2D;
  private readonly y: TF.Tensor2D;
  private readonly optimizer: TF.MomentumOptimizer;

  constructor(
    private readonly tf: Tf,
    layers: TfLayer[],
    x: Float32Array,
    y: Float32Array,
    rows: number,
    learningRate: number,
    momentum: number,
  ) {
    const id = instances++; // variable names must be unique in TF.js's engine
    this.vars = layers.map((l, t) => ({
      // Keras layout [nIn, nOut]: the transpose of this library's W.
      w: tf.tidy(() => tf.variable(tf.transpose(tf.tensor2d(l.weight, [l.nOut, l.nIn])), true, `bench${id}_w${t}`)) as TF.Variable,
      b: tf.variable(tf.tensor1d(l.bias), true, `bench${id}_b${t}`),
      relu: l.relu,
    }));
    this.x = tf.tensor2d(x, [rows, layers[0].nIn]);
    this.y = tf.tensor2d(y, [rows, layers[layers.length - 1].nOut]);
    this.optimizer = tf.train.momentum(learningRate, momentum);
  }

  /** Trains one step per `batch` rows of `order`; returns each step's loss (read back once, at the end). */
  async train(order: Uint32Array, batch: number): Promise<Float32Array> {
    const tf = this.tf;
    const steps = Math.floor(order.length / batch);
    const perm = tf.tensor1d(Int32Array.from(order), 'int32');
    const varList = this.vars.flatMap((v) => [v.w, v.b]);
    const costs: TF.Scalar[] = [];
    for (let s = 0; s < steps; s++) {
      const cost = this.optimizer.minimize(
        () => {
          const idx = tf.slice(perm, s * batch, batch);
          let h: TF.Tensor2D = tf.gather(this.x, idx);
          const yb: TF.Tensor2D = tf.gather(this.y, idx);
          for (const v of this.vars) {
            h = tf.fused.matMul({ a: h, b: v.w as TF.Tensor2D, bias: v.b, activation: v.relu ? 'relu' : 'linear' }) as TF.Tensor2D;
          }
          return tf.mean(tf.squaredDifference(h, yb));
        },
        true,
        varList,
      );
      costs.push(cost!);
    }
    const all = tf.stack(costs);
    const values = (await all.data()) as Float32Array;
    all.dispose();
    costs.forEach((c) => c.dispose());
    perm.dispose();
    return values;
  }

  dispose(): void {
    this.vars.forEach((v) => (v.w.dispose(), v.b.dispose()));
    this.x.dispose();
    this.y.dispose();
    this.optimizer.dispose();
  }
}

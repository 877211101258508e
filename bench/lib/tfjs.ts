// TensorFlow.js 4.22 with its WebGPU backend, in this process, on the same Dawn instance as this
// library: the incumbent the benchmark compares against. Layers are written with tfjs-core the way
// tfjs-layers' Dense does it (kernel [nIn, nOut], tf.fused.matMul with bias and activation).
import { register } from 'node:module';
import type * as TF from '@tensorflow/tfjs-core';
import { globals } from 'webgpu';

export type Tf = typeof TF;

/**
 * What TF.js's WebGPU backend needs in Node: the WebGPU globals (GPUBufferUsage, ...) and
 * navigator.gpu. It registers the 'webgpu' backend at import time only if navigator.gpu exists, so
 * this runs before @tensorflow/tfjs-backend-webgpu is imported.
 */
function installWebGpuGlobals(gpu: GPU): void {
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

export interface TfjsFlags {
  WEBGPU_CPU_FORWARD: boolean;
  WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: number;
}

export interface TfjsRuntime {
  tf: Tf;
  version: string;
  /** The flags as TF.js set them before the benchmark touched any. */
  defaults: TfjsFlags;
}

export async function loadTfjs(gpu: GPU): Promise<TfjsRuntime> {
  installWebGpuGlobals(gpu);
  const tf = (await import('@tensorflow/tfjs-core')) as Tf;
  await import('@tensorflow/tfjs-backend-webgpu');
  await registerAllGradients(tf);
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not initialise its webgpu backend');
  await tf.ready();
  return { tf, version: tf.version_core, defaults: readFlags(tf) };
}

/**
 * tfjs-core's bundles register no gradients: the `@tensorflow/tfjs` union package does it by importing
 * tfjs-core's dist/register_all_gradients.js, an ES module graph with extensionless relative imports
 * that Node cannot load as is. These loader hooks resolve those imports (`./x` → `./x.js` or
 * `./x/index.js`) and load tfjs-core's dist files as ES modules, so TF.js trains with its own
 * gradients. The ES copy of tfjs-core shares the engine and registries with the CommonJS bundle
 * through TF.js's global namespace (TF.js is built for several copies in one process).
 */
const GRADIENT_HOOKS = `
const CORE = '/@tensorflow/tfjs-core/dist/';
export async function resolve(specifier, context, next) {
  if ((context.parentURL ?? '').includes(CORE) && /^\\.\\.?\\//.test(specifier) && !/\\.[cm]?js$/.test(specifier)) {
    for (const suffix of ['.js', '/index.js']) {
      try { return await next(specifier + suffix, context); } catch {}
    }
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.includes(CORE) && url.endsWith('.js') && !url.endsWith('/tf-core.node.js')) {
    return { ...(await next(url, { ...context, format: 'module' })), format: 'module' };
  }
  return next(url, context);
}`;

async function registerAllGradients(tf: Tf): Promise<void> {
  if (tf.getGradient('BatchMatMul')) return;
  register('data:text/javascript,' + encodeURIComponent(GRADIENT_HOOKS));
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
  for (const kernel of ['BatchMatMul', 'Relu', 'Add', 'Mean', 'SquaredDifference', 'Reshape']) {
    if (!tf.getGradient(kernel)) throw new Error(`TF.js gradient for ${kernel} did not register`);
  }
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
  /** W [nOut, nIn] row-major, as this library stores it. */
  weight: Float32Array;
  bias: Float32Array;
  nIn: number;
  nOut: number;
  relu: boolean;
}

/**
 * An MLP trained with MSE and tf.train.momentum (accum := β·accum + g; w := w − μ·accum, the same
 * trajectory as this library's m := β·m − μ·g; w := w + m). The dataset lives on the GPU; a step
 * gathers its batch rows there, like this library does.
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
    this.vars = layers.map((l, t) => ({
      // Keras layout [nIn, nOut]: the transpose of this library's W.
      w: tf.tidy(() => tf.variable(tf.transpose(tf.tensor2d(l.weight, [l.nOut, l.nIn])), true, `w${t}`)) as TF.Variable,
      b: tf.variable(tf.tensor1d(l.bias), true, `b${t}`),
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

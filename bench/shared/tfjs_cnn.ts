// The TensorFlow.js side of the CNN benchmark (Node: bench/cnn.ts; browser: bench/browser/cnn.ts),
// written once like tfjs_mlp.ts: it takes the `tf` namespace as an argument and imports only types.
// The network is rebuilt from this library's model config and initial weights the way tfjs-layers
// would run it in TF.js's native NHWC layout:
//   conv2d   [F, C, kh, kw] (PyTorch)       → filter [kh, kw, C, F] (HWIO), tf.fused.conv2d with bias + activation
//   pooling  'valid' windows                 → tf.maxPool / tf.avgPool
//   flatten  (C, H, W) order                 → tf.reshape of NHWC, i.e. (H, W, C) order; the next dense
//                                              layer's input columns are permuted to match
//   dense    W [units, inputs]               → kernel [inputs, units], tf.fused.matMul with bias + activation
//   dropout  inverted dropout in training    → tf.dropout (random masks: the engines' losses then differ,
//                                              so the benches check the network without its dropout layers)
// A softmax output layer gives logits to tf.losses.softmaxCrossEntropy (mean over the batch of
// −Σ y·log softmax(u), this library's crossEntropy). Optimizer: tf.train.momentum, as for the MLP.
import type * as TF from '@tensorflow/tfjs-core';
import type { LayerConfig, LayerTensors, NetConfig } from '../../src/index';
import type { Tf } from './tfjs_mlp';

type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'leakyrelu';

interface Act {
  fused: FusedActivation;
  alpha: number;
  /** Applied after the fused op when TF.js cannot fuse it (tanh). */
  tanh: boolean;
}

type Op =
  | { kind: 'conv'; w: TF.Variable; b: TF.Variable; stride: [number, number]; pad: 'valid' | [[number, number], [number, number], [number, number], [number, number]]; act: Act }
  | { kind: 'maxPool' | 'avgPool'; size: [number, number]; stride: [number, number] }
  | { kind: 'flatten' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'dense'; w: TF.Variable; b: TF.Variable; act: Act };

/** NCHW rows (this library's layout) → NHWC (TF.js's), on the CPU. */
export function nchwToNhwc(x: Float32Array, rows: number, [C, H, W]: [number, number, number]): Float32Array {
  const out = new Float32Array(rows * C * H * W);
  for (let n = 0, base = 0; n < rows; n++, base += C * H * W) {
    for (let c = 0; c < C; c++) for (let p = 0; p < H * W; p++) out[base + p * C + c] = x[base + c * H * W + p];
  }
  return out;
}

function activation(layer: { activation: string; slope: number }, isOutput: boolean, where: string): Act {
  const a = layer.activation;
  if (a === 'softmax' && isOutput) return { fused: 'linear', alpha: 0, tanh: false }; // logits: softmax is in the loss
  if (a === 'linear' || a === 'relu' || a === 'sigmoid') return { fused: a, alpha: 0, tanh: false };
  if (a === 'leakyRelu') return { fused: 'leakyrelu', alpha: layer.slope, tanh: false };
  if (a === 'tanh') return { fused: 'linear', alpha: 0, tanh: true };
  throw new Error(`${where}: activation ${a} has no TF.js counterpart here`);
}

let instances = 0;

/**
 * The CNN of `config` in TF.js from `weights` (this library's getWeights()), trained on the dataset `x`
 * (NCHW rows, transposed to NHWC once here) and one-hot `y`, both kept on the GPU; every step gathers
 * its batch there by a shuffled index, and the losses are read back once at the end of a call.
 */
export class TfCnn {
  private readonly ops: Op[] = [];
  private readonly x: TF.Tensor4D;
  private readonly y: TF.Tensor2D;
  private readonly optimizer: TF.MomentumOptimizer;

  constructor(
    private readonly tf: Tf,
    config: NetConfig,
    weights: readonly (LayerTensors | null)[],
    x: Float32Array,
    y: Float32Array,
    rows: number,
    learningRate: number,
    momentum: number,
  ) {
    if (!config.inputShape) throw new Error('TfCnn needs a model with inputShape');
    if (config.loss !== 'crossEntropy') throw new Error(`TfCnn: loss ${config.loss} is not compared (only crossEntropy on a softmax output)`);
    const id = instances++; // variable names must be unique in TF.js's engine
    let shape: number[] = [...config.inputShape]; // this library's view: [C, H, W] or [n]
    let flattenedFrom: [number, number, number] | null = null;
    config.layers.forEach((layer: LayerConfig, t) => {
      const where = `layer ${t} (${layer.type ?? 'dense'})`;
      const isOutput = t === config.layers.length - 1;
      const wt = weights[t];
      switch (layer.type) {
        case 'conv2d': {
          const [C, H, W] = shape;
          const [kh, kw] = layer.kernelSize;
          const [ph, pw] = layer.padding;
          const filter = tf.tidy(() => tf.transpose(tf.tensor4d(wt!.weight, [layer.filters, C, kh, kw]), [2, 3, 1, 0]));
          this.ops.push({
            kind: 'conv',
            w: tf.variable(filter, true, `cnn${id}_w${t}`),
            b: tf.variable(tf.tensor1d(wt!.bias), true, `cnn${id}_b${t}`),
            stride: layer.stride,
            pad: ph === 0 && pw === 0 ? 'valid' : [[0, 0], [ph, ph], [pw, pw], [0, 0]],
            act: activation(layer, isOutput, where),
          });
          filter.dispose();
          const out = (size: number, k: number, s: number, p: number) => Math.floor((size + 2 * p - k) / s) + 1;
          shape = [layer.filters, out(H, kh, layer.stride[0], ph), out(W, kw, layer.stride[1], pw)];
          break;
        }
        case 'maxPool2d':
        case 'avgPool2d': {
          const [C, H, W] = shape;
          const out = (size: number, k: number, s: number) => Math.floor((size - k) / s) + 1;
          this.ops.push({ kind: layer.type === 'maxPool2d' ? 'maxPool' : 'avgPool', size: layer.poolSize, stride: layer.stride });
          shape = [C, out(H, layer.poolSize[0], layer.stride[0]), out(W, layer.poolSize[1], layer.stride[1])];
          break;
        }
        case 'flatten':
          flattenedFrom = shape as [number, number, number];
          this.ops.push({ kind: 'flatten' });
          shape = [shape.reduce((a, b) => a * b, 1)];
          break;
        case 'dropout':
          this.ops.push({ kind: 'dropout', rate: layer.rate });
          break;
        case undefined:
        case 'dense': {
          if (shape.length !== 1) throw new Error(`${where}: a dense layer on an image input needs a flatten before it`);
          const [nIn, units] = [shape[0], layer.units];
          const kernel = new Float32Array(nIn * units);
          for (let i = 0; i < nIn; i++) {
            // Row i of TF's kernel takes TF's i-th flattened input: (h, w, c) after an NHWC flatten.
            let col = i;
            if (flattenedFrom) {
              const [C, H, W] = flattenedFrom;
              const [hw, c] = [Math.floor(i / C), i % C];
              col = c * H * W + hw;
            }
            for (let u = 0; u < units; u++) kernel[i * units + u] = wt!.weight[u * nIn + col];
          }
          flattenedFrom = null;
          this.ops.push({
            kind: 'dense',
            w: tf.variable(tf.tensor2d(kernel, [nIn, units]), true, `cnn${id}_w${t}`),
            b: tf.variable(tf.tensor1d(wt!.bias), true, `cnn${id}_b${t}`),
            act: activation(layer, isOutput, where),
          });
          shape = [units];
          break;
        }
        default:
          throw new Error(`${where}: not in the TF.js comparison (conv2d, pooling, flatten, dropout and dense only)`);
      }
    });
    const last = config.layers[config.layers.length - 1];
    if (!('units' in last) || last.activation !== 'softmax') throw new Error('TfCnn: the output layer must be dense with softmax');
    const [C, H, W] = config.inputShape;
    this.x = tf.tensor4d(nchwToNhwc(x, rows, config.inputShape), [rows, H, W, C]);
    this.y = tf.tensor2d(y, [rows, shape[0]]);
    this.optimizer = tf.train.momentum(learningRate, momentum);
  }

  private forward(x: TF.Tensor4D): TF.Tensor2D {
    const tf = this.tf;
    let h: TF.Tensor = x;
    for (const op of this.ops) {
      switch (op.kind) {
        case 'conv':
          h = tf.fused.conv2d({ x: h as TF.Tensor4D, filter: op.w as TF.Tensor4D, strides: op.stride, pad: op.pad, bias: op.b, activation: op.act.fused, leakyreluAlpha: op.act.alpha });
          if (op.act.tanh) h = tf.tanh(h);
          break;
        case 'maxPool':
          h = tf.maxPool(h as TF.Tensor4D, op.size, op.stride, 'valid');
          break;
        case 'avgPool':
          h = tf.avgPool(h as TF.Tensor4D, op.size, op.stride, 'valid');
          break;
        case 'flatten':
          h = tf.reshape(h, [h.shape[0], -1]);
          break;
        case 'dropout':
          if (op.rate > 0) h = tf.dropout(h, op.rate);
          break;
        case 'dense':
          h = tf.fused.matMul({ a: h as TF.Tensor2D, b: op.w as TF.Tensor2D, bias: op.b, activation: op.act.fused, leakyreluAlpha: op.act.alpha });
          if (op.act.tanh) h = tf.tanh(h);
      }
    }
    return h as TF.Tensor2D;
  }

  /** Trains one step per `batch` entries of `order`; returns each step's loss (read back once, at the end). */
  async train(order: Uint32Array, batch: number): Promise<Float32Array> {
    const tf = this.tf;
    const steps = Math.floor(order.length / batch);
    const perm = tf.tensor1d(Int32Array.from(order), 'int32');
    const varList = this.ops.flatMap((op) => (op.kind === 'conv' || op.kind === 'dense' ? [op.w, op.b] : []));
    const costs: TF.Scalar[] = [];
    for (let s = 0; s < steps; s++) {
      const cost = this.optimizer.minimize(
        () => {
          const idx = tf.slice(perm, s * batch, batch);
          return tf.losses.softmaxCrossEntropy(tf.gather(this.y, idx), this.forward(tf.gather(this.x, idx))) as TF.Scalar;
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
    for (const op of this.ops) if (op.kind === 'conv' || op.kind === 'dense') (op.w.dispose(), op.b.dispose());
    this.x.dispose();
    this.y.dispose();
    this.optimizer.dispose();
  }
}

// conv2d: PyTorch's Conv2d on NCHW rows, then an element-wise activation.
//   U[n,f,i,j] = b[f] + Σ_{c,a,b} W[f,c,a,b] · X[n, c, i·sh + a − ph, j·sw + b − pw]   (X = 0 outside)
//   Z = σ(U)   (activation_forward.wgsl; Z is U when linear)
// Implicit GEMM on the matmul cores: im2col.wgsl builds the patch matrix cols [rows·outH·outW,
// inC·kh·kw]; then the dense kernels: U = cols·Wᵀ + b and σ (dense_forward), ∂W = δᵀ·cols and ∂b
// (dense_backward_weights), ∂cols = δ·W (dense_backward_input); col2im.wgsl sums ∂cols back into
// ∂X (written as ∂ℓ/∂Z of the layer below; the planner applies its σ'); transpose_batched.wgsl moves
// U, Z and δ between the cores' [rows·outH·outW, filters] and the layers' NCHW. On SwiftShader (2
// cores) this ran a LeNet-5-like step ~20× faster than the direct kernels (conv2d_*.wgsl, kept as
// tested references), whose every multiply-add paid two unshared loads. Weight [filters, inC, kh,
// kw] (= a dense weight [filters, inC·kh·kw]), bias [filters]. Spec: { type: 'conv2d', filters, kernelSize: n | [kh, kw], stride = 1,
// padding = 'valid' ('valid' | 'same' | n | [ph, pw]), activation = 'linear', slope = 0.01 }.
import { ConfigError } from '../errors.js';
import type { Activation } from '../types.js';
import type { Invocation, View } from '../plan/types.js';
import { activationConstants, activationSpec, elementwise, imageShape, pair, wholeNumber } from './spec.js';
import type { LayerModule, LayerViews, Shape } from './types.js';

export interface Conv2dConfig {
  type: 'conv2d';
  filters: number;
  kernelSize: [number, number];
  stride: [number, number];
  /** Resolved: 'valid' is [0, 0], 'same' is [(kh − 1)/2, (kw − 1)/2]. */
  padding: [number, number];
  activation: Activation;
  slope: number;
}

/** The output size of one axis, or a ConfigError naming the layer (windows must fit the padded input). */
export function windowSize(where: string, axis: string, size: number, kernel: number, stride: number, pad: number, what: string): number {
  if (size + 2 * pad < kernel) {
    throw new ConfigError(
      `${where}: its ${what} ${kernel} is larger than its input's ${axis} ${size}${pad ? ` padded by ${pad} on each side` : ''}: ` +
        `use a smaller ${what}${pad === 0 && what === 'kernelSize' ? ", padding (e.g. 'same')" : ''}, or fewer pooling layers or strides before it`,
    );
  }
  return Math.floor((size + 2 * pad - kernel) / stride) + 1;
}

function resolvePadding(where: string, value: unknown, kernel: [number, number], stride: [number, number]): [number, number] {
  if (value === undefined || value === 'valid') return [0, 0];
  if (value === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1 || kernel[0] % 2 === 0 || kernel[1] % 2 === 0) {
      throw new ConfigError(`${where}: padding 'same' needs stride 1 and odd kernel sizes (got kernelSize [${kernel}], stride [${stride}]); give padding as a number or [ph, pw]`);
    }
    return [(kernel[0] - 1) / 2, (kernel[1] - 1) / 2];
  }
  if (typeof value === 'string') throw new ConfigError(`${where}: padding must be 'valid', 'same', a number or [ph, pw], got the string ${JSON.stringify(value)}`);
  return pair(where, 'padding', value, 0);
}

function dims(l: LayerViews<Conv2dConfig>) {
  const [inC, inH, inW] = l.inShape;
  const [filters, outH, outW] = l.outShape;
  const { kernelSize: [kh, kw], stride: [sh, sw], padding: [ph, pw] } = l.layer;
  return { geometry: { batch: l.rows, inC, inH, inW, kh, kw, sh, sw, ph, pw, outH, outW }, filters, pixels: outH * outW, depth: inC * kh * kw };
}

/** Rows of ∂W's sum per split-K chunk (a multiple of 4; at most one chunk per batch row). */
const SPLIT_ROWS = 512;
const align64 = (n: number) => Math.ceil(n / 64) * 64;

/** How ∂W's sum over m rows is cut: parts of `chunk` rows, each part's ∂W and ∂b at 256-byte strides. */
function splitOf(rows: number, m: number, filters: number, depth: number) {
  const parts = Math.max(1, Math.min(rows, Math.ceil(m / SPLIT_ROWS)));
  const chunk = Math.ceil(m / parts / 4) * 4;
  const count = Math.ceil(m / chunk);
  return { parts: count, chunk, last: m - (count - 1) * chunk, partStride: align64(filters * depth), biasStride: align64(filters) };
}

function sum(src: View, out: View, count: number, parts: number, stride: number): Invocation {
  return { kernel: 'sumParts', tensors: { src, out }, params: { count, parts, stride }, constants: {}, grid: { kind: 'elementwise', count } };
}

/** U as the matmul cores see it: [rows·outH·outW, filters] (NHWC), from or to the layers' NCHW. */
function transpose(src: View, out: View, batch: number, rows: number, cols: number): Invocation {
  return { kernel: 'transposeBatched', tensors: { src, out }, params: { batch, rows, cols }, constants: {}, grid: { kind: 'elementwise', count: batch * rows * cols } };
}

export const conv2d: LayerModule<Conv2dConfig> = {
  type: 'conv2d',
  keys: ['filters', 'kernelSize', 'stride', 'padding', 'activation', 'slope'],
  configure(spec, inShape, where) {
    imageShape(where, inShape);
    const filters = wholeNumber(where, 'filters', spec.filters);
    if (spec.kernelSize === undefined) throw new ConfigError(`${where}: kernelSize is missing (a number, or [kh, kw])`);
    const kernelSize = pair(where, 'kernelSize', spec.kernelSize);
    const stride = pair(where, 'stride', spec.stride ?? 1);
    const padding = resolvePadding(where, spec.padding, kernelSize, stride);
    const { activation, slope } = activationSpec(where, spec);
    if (activation === 'softmax') throw new ConfigError(`${where}: softmax is only supported on a dense output layer`);
    const layer: Conv2dConfig = { type: 'conv2d', filters, kernelSize, stride, padding, activation, slope };
    conv2d.outputShape(layer, inShape, where); // windows must fit
    return layer;
  },
  outputShape(layer, inShape: Shape, where = 'conv2d') {
    const [, inH, inW] = inShape;
    const { kernelSize: [kh, kw], stride: [sh, sw], padding: [ph, pw] } = layer;
    return [layer.filters, windowSize(where, 'height', inH, kh, sh, ph, 'kernelSize'), windowSize(where, 'width', inW, kw, sw, pw, 'kernelSize')];
  },
  parameters: (layer, inShape) => {
    const [kh, kw] = layer.kernelSize;
    const inC = inShape[0];
    return [
      { name: 'weight', shape: [layer.filters, inC, kh, kw], init: { kind: 'random', fanIn: inC * kh * kw, fanOut: layer.filters * kh * kw } },
      { name: 'bias', shape: [layer.filters], init: { kind: 'zeros' } },
    ];
  },
  // cols: the patch matrix (then its gradient); nhwc: δ as [outH·outW, filters] per row in backward,
  // and in forward where a linear layer's kernel writes its unused Z; parts: split-K partial sums.
  scratch: (layer, inShape) => {
    const [, outH, outW] = conv2d.outputShape(layer, inShape);
    const [kh, kw] = layer.kernelSize;
    const pixels = outH * outW;
    const depth = inShape[0] * kh * kw;
    // parts: split-K partial ∂W and ∂b, at most one part per row (splitOf).
    return {
      cols: { width: pixels * depth },
      nhwc: { width: pixels * layer.filters },
      parts: { width: align64(layer.filters * depth) + align64(layer.filters) },
    };
  },
  ownsZ: (layer) => layer.activation !== 'linear',
  fusesActivationGrad: false,
  forward: (l): Invocation[] => {
    const { geometry, filters, pixels, depth } = dims(l);
    const m = l.rows * pixels;
    const { cols, nhwc } = l.scratch;
    return [
      { kernel: 'im2col', tensors: { x: l.input, cols }, params: geometry, constants: {}, grid: { kind: 'elementwise', count: m * depth } },
      {
        kernel: 'conv2dGemmForward',
        // With a linear activation Z is U: the kernel's Z goes to scratch (nhwc is free until backward).
        tensors: { x: cols, w: l.params.weight, bias: l.params.bias, u: l.u, z: l.layer.activation === 'linear' ? nhwc : l.z },
        params: { batch: m, nIn: depth, nOut: filters, pixels },
        constants: { ...activationConstants(elementwise(l.layer.activation), l.layer.slope), TRANS_B: true },
        grid: { kind: 'matmul', rows: m, cols: filters, depth },
      },
    ];
  },
  // Leaves δ as [rows·outH·outW, filters] in nhwc for backwardInput, which the planner runs after it.
  // ∂W sums over every output pixel of the batch (36,864 rows for MNIST's first layer at batch 64)
  // into a small output (8×25): split-K, so that more than a handful of invocations share it.
  backwardParams: (l) => {
    const { filters, pixels, depth } = dims(l);
    const m = l.rows * pixels;
    const { cols, nhwc, parts } = l.scratch;
    const split = splitOf(l.rows, m, filters, depth);
    const toNhwc = transpose(l.delta, nhwc, l.rows, filters, pixels);
    if (split.parts === 1) {
      return [
        toNhwc,
        {
          kernel: 'denseBackwardWeights',
          tensors: { delta: nhwc, x: cols, dw: l.grads.weight, db: l.grads.bias },
          params: { batch: m, nIn: depth, nOut: filters },
          constants: { TRANS_A: true, ROW_SUMS: true },
          grid: { kind: 'matmul', rows: filters, cols: depth, depth: m },
        },
      ];
    }
    const dwParts = { buffer: parts.buffer, offset: 0, length: split.parts * split.partStride };
    const dbParts = { buffer: parts.buffer, offset: split.parts * split.partStride, length: split.parts * split.biasStride };
    return [
      toNhwc,
      {
        kernel: 'denseBackwardWeightsSplit',
        tensors: { delta: nhwc, x: cols, dwParts, dbParts },
        params: { rows: m, chunk: split.chunk, nIn: depth, nOut: filters, partStride: split.partStride, biasStride: split.biasStride },
        constants: { TRANS_A: true, ROW_SUMS: true },
        // depth sets K_TAIL: the short last chunk's when it is not a multiple of 4.
        grid: { kind: 'matmul', rows: filters, cols: depth, depth: split.last % 4 ? split.last : split.chunk, splits: split.parts },
      },
      sum(dwParts, l.grads.weight, filters * depth, split.parts, split.partStride),
      sum(dbParts, l.grads.bias, filters, split.parts, split.biasStride),
    ];
  },
  // ∂cols = δ·W into cols (backwardParams is done with the patches), then col2im into ∂ℓ/∂Z below.
  backwardInput: (l, prev): Invocation[] => {
    const { geometry, filters, pixels, depth } = dims(l);
    const m = l.rows * pixels;
    const { cols, nhwc } = l.scratch;
    return [
      {
        kernel: 'denseBackwardInput',
        // uPrev is not read with a linear activation; δ's buffer fills the binding (read-only twice).
        tensors: { delta: nhwc, w: l.params.weight, uPrev: nhwc, deltaPrev: cols },
        params: { batch: m, nIn: depth, nOut: filters },
        constants: activationConstants('linear', 0),
        grid: { kind: 'matmul', rows: m, cols: depth, depth: filters },
      },
      { kernel: 'col2im', tensors: { dcols: cols, dx: prev.gradZ }, params: geometry, constants: {}, grid: { kind: 'elementwise', count: l.rows * geometry.inC * geometry.inH * geometry.inW } },
    ];
  },
};

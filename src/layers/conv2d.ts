// conv2d: PyTorch's Conv2d on NCHW rows, then an element-wise activation.
//   U[n,f,i,j] = b[f] + Σ_{c,a,b} W[f,c,a,b] · X[n, c, i·sh + a − ph, j·sw + b − pw]   (X = 0 outside)
//   Z = σ(U)   (activation_forward.wgsl; Z is U when linear)
// Kernels: conv2d_forward.wgsl (direct, one invocation per output), conv2d_backward_weights.wgsl
// (∂W and ∂b, a workgroup reduction per weight), conv2d_backward_input.wgsl (∂X in gather form,
// written as ∂ℓ/∂Z of the layer below; the planner applies its σ'). Weight [filters, inC, kh, kw],
// bias [filters]. Spec: { type: 'conv2d', filters, kernelSize: n | [kh, kw], stride = 1,
// padding = 'valid' ('valid' | 'same' | n | [ph, pw]), activation = 'linear', slope = 0.01 }.
import { ConfigError } from '../errors.js';
import type { Activation } from '../types.js';
import { activate, activationSpec, elementwise, imageShape, pair, wholeNumber } from './spec.js';
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
  return { batch: l.rows, inC, inH, inW, filters, kh, kw, sh, sw, ph, pw, outH, outW };
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
  ownsZ: (layer) => layer.activation !== 'linear',
  fusesActivationGrad: false,
  forward: (l) => {
    const d = dims(l);
    const count = l.rows * d.filters * d.outH * d.outW;
    return [
      {
        kernel: 'conv2dForward',
        tensors: { x: l.input, w: l.params.weight, bias: l.params.bias, u: l.u },
        params: d,
        constants: {},
        grid: { kind: 'elementwise', count },
      },
      ...activate(elementwise(l.layer.activation), l.layer.slope, l.u, l.z, count),
    ];
  },
  backwardParams: (l) => {
    const d = dims(l);
    return [
      {
        kernel: 'conv2dBackwardWeights',
        tensors: { delta: l.delta, x: l.input, dw: l.grads.weight, db: l.grads.bias },
        params: d,
        constants: {},
        grid: { kind: 'workgroupPerItem', count: d.filters * d.inC * d.kh * d.kw },
      },
    ];
  },
  backwardInput: (l, prev) => {
    const d = dims(l);
    return [
      {
        kernel: 'conv2dBackwardInput',
        tensors: { delta: l.delta, w: l.params.weight, dx: prev.gradZ },
        params: d,
        constants: {},
        grid: { kind: 'elementwise', count: l.rows * d.inC * d.inH * d.inW },
      },
    ];
  },
};

// maxPool2d and avgPool2d: PyTorch's MaxPool2d / AvgPool2d without padding (every window fully
// inside), NCHW, on each channel plane:
//   max: Y[n,c,i,j] = max_{a<kh, b<kw} X[n, c, i·sh + a, j·sw + b]   (first maximum on ties, kept as
//        a per-row arg-max for backward, which sends δ to it: max_pool2d_forward/backward.wgsl)
//   avg: Y[n,c,i,j] = (1/(kh·kw)) Σ_{a,b} X[n, c, i·sh + a, j·sw + b]   (backward spreads δ/(kh·kw):
//        avg_pool2d_forward/backward.wgsl)
// No parameters, no activation; backward writes ∂ℓ/∂Z of the layer below. Spec: { type, poolSize:
// n | [kh, kw], stride = poolSize }.
import { ConfigError } from '../errors.js';
import type { Invocation } from '../plan/types.js';
import { windowSize } from './conv2d.js';
import { features, imageShape, pair } from './spec.js';
import type { LayerModule, LayerViews } from './types.js';

export interface Pool2dConfig {
  type: 'maxPool2d' | 'avgPool2d';
  poolSize: [number, number];
  stride: [number, number];
}

function dims(l: LayerViews<Pool2dConfig>) {
  const [channels, inH, inW] = l.inShape;
  const [, outH, outW] = l.outShape;
  const { poolSize: [kh, kw], stride: [sh, sw] } = l.layer;
  return { batch: l.rows, channels, inH, inW, kh, kw, sh, sw, outH, outW };
}

function pool2d(type: Pool2dConfig['type']): LayerModule<Pool2dConfig> {
  const max = type === 'maxPool2d';
  const module: LayerModule<Pool2dConfig> = {
    type,
    keys: ['poolSize', 'stride'],
    configure(spec, inShape, where) {
      imageShape(where, inShape);
      if (spec.poolSize === undefined) throw new ConfigError(`${where}: poolSize is missing (a number, or [kh, kw])`);
      const poolSize = pair(where, 'poolSize', spec.poolSize);
      const stride = spec.stride === undefined ? poolSize : pair(where, 'stride', spec.stride);
      const layer: Pool2dConfig = { type, poolSize, stride };
      module.outputShape(layer, inShape, where); // the window must fit
      return layer;
    },
    outputShape(layer, inShape, where = type) {
      const [channels, inH, inW] = inShape;
      const { poolSize: [kh, kw], stride: [sh, sw] } = layer;
      return [channels, windowSize(where, 'height', inH, kh, sh, 0, 'poolSize'), windowSize(where, 'width', inW, kw, sw, 0, 'poolSize')];
    },
    parameters: () => [],
    scratch: max ? (layer, inShape) => ({ argmax: { width: features(module.outputShape(layer, inShape)), u32: true } }) : undefined,
    ownsZ: () => false,
    fusesActivationGrad: false,
    forward: (l): Invocation[] => {
      const params = dims(l);
      const count = l.rows * features(l.outShape);
      return [
        {
          kernel: max ? 'maxPool2dForward' : 'avgPool2dForward',
          tensors: max ? { x: l.input, y: l.u, argmax: l.scratch.argmax } : { x: l.input, y: l.u },
          params,
          constants: {},
          grid: { kind: 'elementwise', count },
        },
      ];
    },
    backwardParams: () => [],
    backwardInput: (l, prev): Invocation[] => {
      const params = dims(l);
      // Max pooling over windows that tile the input: one invocation per window (the kernel's TILED).
      const tiled = max && params.sh === params.kh && params.sw === params.kw && params.inH === params.outH * params.kh && params.inW === params.outW * params.kw;
      const count = tiled ? l.rows * features(l.outShape) : l.rows * features(l.inShape);
      return [
        {
          kernel: max ? 'maxPool2dBackward' : 'avgPool2dBackward',
          tensors: max ? { delta: l.delta, argmax: l.scratch.argmax, dx: prev.gradZ } : { delta: l.delta, dx: prev.gradZ },
          params,
          constants: tiled ? { TILED: true } : {},
          grid: { kind: 'elementwise', count },
        },
      ];
    },
  };
  return module;
}

export const maxPool2d = pool2d('maxPool2d');
export const avgPool2d = pool2d('avgPool2d');

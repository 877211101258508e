// dropout: inverted dropout with rate r, active only in training steps (elsewhere the identity):
//   keep_i = bits(seed, layer, step counter, i) ≥ ceil(r·2^24)     (a 24-bit counter-based hash, so
//            a step's mask depends only on the model's seed, the layer, the step and the element:
//            runs repeat exactly, and resume exactly from a checkpoint, whose step count it is)
//   Y = X ⊙ keep / (1 − r);   ∂X = δ ⊙ keep / (1 − r)
// Kernels: dropout_forward.wgsl (writes Y and the 0/1 mask, a per-row scratch buffer) and
// dropout_backward.wgsl (writes ∂ℓ/∂Z of the layer below). Spec: { type: 'dropout', rate }, 0 ≤ r < 1.
import { dropoutScale, dropoutThreshold } from '../cpu/dropout.js';
import { ConfigError } from '../errors.js';
import { kindOf } from '../options.js';
import { features } from './spec.js';
import type { LayerModule } from './types.js';

export interface DropoutConfig {
  type: 'dropout';
  rate: number;
}

export const dropout: LayerModule<DropoutConfig> = {
  type: 'dropout',
  keys: ['rate'],
  configure(spec, _inShape, where) {
    const rate = spec.rate;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) {
      throw new ConfigError(`${where}: rate must be a number with 0 ≤ rate < 1 (the share of values dropped in training, e.g. 0.25), got ${kindOf(rate)}`);
    }
    return { type: 'dropout', rate };
  },
  outputShape: (_layer, inShape) => inShape,
  parameters: () => [],
  scratch: (_layer, inShape) => ({ mask: { width: features(inShape) } }),
  identity: (layer, training) => !training || layer.rate === 0,
  ownsZ: () => false,
  fusesActivationGrad: false,
  forward: (l) => {
    const count = l.rows * features(l.inShape);
    return [
      {
        kernel: 'dropoutForward',
        tensors: { x: l.input, y: l.u, mask: l.scratch.mask },
        params: { count, threshold: dropoutThreshold(l.layer.rate), scale: dropoutScale(l.layer.rate), seed: l.seed, layer: l.index },
        constants: {},
        grid: { kind: 'elementwise', count },
      },
    ];
  },
  backwardParams: () => [],
  backwardInput: (l, prev) => {
    const count = l.rows * features(l.inShape);
    return [
      {
        kernel: 'dropoutBackward',
        tensors: { delta: l.delta, mask: l.scratch.mask, dx: prev.gradZ },
        params: { count, scale: dropoutScale(l.layer.rate) },
        constants: {},
        grid: { kind: 'elementwise', count },
      },
    ];
  },
};

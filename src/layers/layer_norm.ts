// layerNorm: PyTorch's LayerNorm over each sample's values (normalized_shape = the input's shape,
// elementwise_affine), biased variance:
//   x̂ = (x − mean)/sqrt(var + ε),  Y = γ ⊙ x̂ + β
//   ∂X = (1/σ)·(g − mean(g) − x̂·mean(g ⊙ x̂)) with g = γ ⊙ δ;  ∂γ = Σ_rows δ ⊙ x̂,  ∂β = Σ_rows δ
// Kernels: layer_norm_forward.wgsl (Y and the per-row mean and 1/σ, kept for backward),
// layer_norm_backward_params.wgsl, layer_norm_backward_input.wgsl (writes ∂ℓ/∂Z of the layer
// below). weight γ (init 1) and bias β (init 0), each of the input's shape.
// Spec: { type: 'layerNorm', epsilon = 1e-5 }.
import { ConfigError } from '../errors.js';
import { kindOf } from '../options.js';
import { features } from './spec.js';
import type { LayerModule } from './types.js';

export interface LayerNormConfig {
  type: 'layerNorm';
  epsilon: number;
}

export const layerNorm: LayerModule<LayerNormConfig> = {
  type: 'layerNorm',
  keys: ['epsilon'],
  configure(spec, _inShape, where) {
    const epsilon = spec.epsilon ?? 1e-5;
    if (typeof epsilon !== 'number' || !(epsilon > 0) || !Number.isFinite(epsilon)) {
      throw new ConfigError(`${where}: epsilon must be a finite number > 0 (default 1e-5), got ${kindOf(epsilon)}`);
    }
    return { type: 'layerNorm', epsilon };
  },
  outputShape: (_layer, inShape) => inShape,
  parameters: (_layer, inShape) => [
    { name: 'weight', shape: [...inShape], init: { kind: 'ones' } },
    { name: 'bias', shape: [...inShape], init: { kind: 'zeros' } },
  ],
  scratch: () => ({ mean: { width: 1 }, rstd: { width: 1 } }),
  ownsZ: () => false,
  fusesActivationGrad: false,
  forward: (l) => [
    {
      kernel: 'layerNormForward',
      tensors: { x: l.input, gamma: l.params.weight, beta: l.params.bias, y: l.u, mean: l.scratch.mean, rstd: l.scratch.rstd },
      params: { rows: l.rows, features: features(l.inShape), epsilon: l.layer.epsilon },
      constants: {},
      grid: { kind: 'workgroupPerItem', count: l.rows },
    },
  ],
  backwardParams: (l) => [
    {
      kernel: 'layerNormBackwardParams',
      tensors: { dy: l.delta, x: l.input, mean: l.scratch.mean, rstd: l.scratch.rstd, dgamma: l.grads.weight, dbeta: l.grads.bias },
      params: { rows: l.rows, features: features(l.inShape) },
      constants: {},
      grid: { kind: 'elementwise', count: features(l.inShape) },
    },
  ],
  backwardInput: (l, prev) => [
    {
      kernel: 'layerNormBackwardInput',
      tensors: { dy: l.delta, x: l.input, gamma: l.params.weight, mean: l.scratch.mean, rstd: l.scratch.rstd, dx: prev.gradZ },
      params: { rows: l.rows, features: features(l.inShape) },
      constants: {},
      grid: { kind: 'workgroupPerItem', count: l.rows },
    },
  ],
};

// dense: U = X·Wᵀ + b, Z = σ(U) forward (shaders/dense_forward.wgsl); backward ∂W = δᵀ·X and
// ∂b = Σ_rows δ in one pass (dense_backward_weights.wgsl), δ_prev = (δ·W) ⊙ σ'(U_prev)
// (dense_backward_input.wgsl). W is [units, inputs], row-major, as PyTorch's nn.Linear.
// Spec: { units, activation = 'linear', slope = 0.01 } (`type: 'dense'` optional); its canonical
// config has no `type`, as in checkpoints written before other layer types existed.
import { ConfigError } from '../errors.js';
import type { Activation } from '../types.js';
import { activationConstants, activationSpec, elementwise, features, wholeNumber } from './spec.js';
import type { LayerModule } from './types.js';

export interface DenseConfig {
  type?: 'dense';
  units: number;
  activation: Activation;
  slope: number;
}

export const dense: LayerModule<DenseConfig> = {
  type: 'dense',
  keys: ['units', 'activation', 'slope'],
  configure(spec, inShape, where) {
    if (inShape.length !== 1) {
      throw new ConfigError(`${where} gets a [${inShape.join(', ')}] image input: put { type: 'flatten' } before it (PyTorch's nn.Flatten, in (C, H, W) order)`);
    }
    const units = wholeNumber(where, 'units', spec.units);
    return { units, ...activationSpec(where, spec) };
  },
  outputShape: (layer) => [layer.units],
  parameters: (layer, inShape) => {
    const nIn = features(inShape);
    return [
      { name: 'weight', shape: [layer.units, nIn], init: { kind: 'random', fanIn: nIn, fanOut: layer.units } },
      { name: 'bias', shape: [layer.units], init: { kind: 'zeros' } },
    ];
  },
  ownsZ: () => true,
  fusesActivationGrad: true,
  forward: (l) => {
    const nIn = features(l.inShape);
    const nOut = l.layer.units;
    return [
      {
        kernel: 'denseForward',
        tensors: { x: l.input, w: l.params.weight, bias: l.params.bias, u: l.u, z: l.z },
        params: { batch: l.rows, nIn, nOut },
        constants: { ...activationConstants(elementwise(l.layer.activation), l.layer.slope), TRANS_B: true },
        grid: { kind: 'matmul', rows: l.rows, cols: nOut, depth: nIn },
      },
    ];
  },
  backwardParams: (l) => {
    const nIn = features(l.inShape);
    const nOut = l.layer.units;
    return [
      {
        kernel: 'denseBackwardWeights',
        tensors: { delta: l.delta, x: l.input, dw: l.grads.weight, db: l.grads.bias },
        params: { batch: l.rows, nIn, nOut },
        constants: { TRANS_A: true, ROW_SUMS: true },
        grid: { kind: 'matmul', rows: nOut, cols: nIn, depth: l.rows },
      },
    ];
  },
  backwardInput: (l, prev) => {
    const nIn = features(l.inShape);
    const nOut = l.layer.units;
    return [
      {
        kernel: 'denseBackwardInput',
        tensors: { delta: l.delta, w: l.params.weight, uPrev: prev.u, deltaPrev: prev.delta },
        params: { batch: l.rows, nIn, nOut },
        constants: activationConstants(prev.activation, prev.slope),
        grid: { kind: 'matmul', rows: l.rows, cols: nIn, depth: nOut },
      },
    ];
  },
};

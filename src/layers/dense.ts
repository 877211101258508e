// dense: U = X·Wᵀ + b, Z = σ(U) forward (shaders/dense_forward.wgsl); backward ∂W = δᵀ·X and
// ∂b = Σ_rows δ in one pass (dense_backward_weights.wgsl), δ_prev = (δ·W) ⊙ σ'(U_prev)
// (dense_backward_input.wgsl). W is [units, inputs], row-major, as PyTorch's nn.Linear.
import { ACTIVATION_ID, type ElementwiseActivation } from '../types.js';
import type { LayerModule } from './types.js';

export function activationConstants(activation: ElementwiseActivation, slope: number): Record<string, number> {
  return { ACTIVATION: ACTIVATION_ID[activation], SLOPE: activation === 'leakyRelu' ? slope : 0 };
}

export const dense: LayerModule = {
  type: 'dense',
  parameters: (nIn, units) => [
    { name: 'weight', shape: [units, nIn], init: { kind: 'random', fanIn: nIn, fanOut: units } },
    { name: 'bias', shape: [units], init: { kind: 'zeros' } },
  ],
  forward: (l) => [
    {
      kernel: 'denseForward',
      tensors: { x: l.input, w: l.params.weight, bias: l.params.bias, u: l.u, z: l.z },
      params: { batch: l.rows, nIn: l.nIn, nOut: l.nOut },
      constants: { ...activationConstants(l.activation, l.slope), TRANS_B: true },
      grid: { kind: 'matmul', rows: l.rows, cols: l.nOut, depth: l.nIn },
    },
  ],
  backwardParams: (l) => [
    {
      kernel: 'denseBackwardWeights',
      tensors: { delta: l.delta, x: l.input, dw: l.grads.weight, db: l.grads.bias },
      params: { batch: l.rows, nIn: l.nIn, nOut: l.nOut },
      constants: { TRANS_A: true, ROW_SUMS: true },
      grid: { kind: 'matmul', rows: l.nOut, cols: l.nIn, depth: l.rows },
    },
  ],
  backwardInput: (l, prev) => [
    {
      kernel: 'denseBackwardInput',
      tensors: { delta: l.delta, w: l.params.weight, uPrev: prev.u, deltaPrev: prev.delta },
      params: { batch: l.rows, nIn: l.nIn, nOut: l.nOut },
      constants: activationConstants(prev.activation, prev.slope),
      grid: { kind: 'matmul', rows: l.rows, cols: l.nIn, depth: l.nOut },
    },
  ],
};

// mse: L = Σ (ŷ − y)² / (B·n_out), δ = 2(ŷ − y)/(B·n_out) ⊙ σ'(U) (shaders/mse_loss.wgsl).
import type { LossModule } from './types.js';
import { ACTIVATION_ID } from '../types.js';

export const mse: LossModule = {
  name: 'mse',
  delta: (i) => ({
    kernel: 'mseLoss',
    tensors: { u: i.u, z: i.z, y: i.y, delta: i.delta, loss: { buffer: 'lossLog' } },
    params: { rows: i.rows, cols: i.cols },
    constants: { ACTIVATION: ACTIVATION_ID[i.activation], SLOPE: i.activation === 'leakyRelu' ? i.slope : 0 },
    grid: { kind: 'single' },
  }),
};

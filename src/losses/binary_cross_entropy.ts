// binaryCrossEntropy on the logits of a sigmoid output: mean over B·n_out of
// max(u,0) − u·y + log(1 + e^−|u|), δ = (σ(u) − y)/(B·n_out) (shaders/sigmoid_bce.wgsl).
import type { LossModule } from './types.js';

export const binaryCrossEntropy: LossModule = {
  name: 'binaryCrossEntropy',
  delta: (i) => ({
    kernel: 'sigmoidBce',
    tensors: { u: i.u, y: i.y, delta: i.delta, loss: { buffer: 'lossLog' } },
    params: { rows: i.rows, cols: i.cols },
    constants: {},
    grid: { kind: 'single' },
  }),
};

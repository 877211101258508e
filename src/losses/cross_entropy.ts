// crossEntropy on the logits of a softmax output: L = −(1/B) Σ y·log softmax(u),
// δ = (P·Σy − Y)/B (shaders/softmax_cross_entropy.wgsl).
import type { LossModule } from './types.js';

export const crossEntropy: LossModule = {
  name: 'crossEntropy',
  delta: (i) => ({
    kernel: 'softmaxCrossEntropy',
    tensors: { u: i.u, y: i.y, delta: i.delta, loss: { buffer: 'lossLog' } },
    params: { rows: i.rows, cols: i.cols },
    constants: {},
    grid: { kind: 'single' },
  }),
};

// adamw (PyTorch's AdamW): w := w·(1 − μλ) first (decoupled decay, default λ = 0.01), then the
// adam step with no λ in the gradient. Same kernel as adam with DECOUPLED; shares adam's m, v and t.
import { adamStepScalars } from '../cpu/index.js';
import type { OptimizerModule } from './types.js';
import { updateTensors } from './types.js';

export const adamw: OptimizerModule = {
  name: 'adamw',
  state: ['m', 'v'],
  defaults: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 },
  countsSteps: true,
  stepScalars: (lr, t, s) => adamStepScalars(lr, s.beta1, s.beta2, t, s.weightDecay),
  update: (count, s) => ({
    kernel: 'adamUpdate',
    tensors: updateTensors({ m: 'm', v: 'v' }),
    params: { count, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, weightDecay: s.weightDecay },
    constants: { CLIP: s.clipNorm > 0, DECOUPLED: true },
    grid: { kind: 'optimizer', count },
  }),
};

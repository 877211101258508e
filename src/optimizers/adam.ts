// adam (PyTorch's Adam): m := β1·m + (1−β1)·g', v := β2·v + (1−β2)·g'², t := t + 1,
// w := w − μ/(1−β1^t) · m / (sqrt(v)/sqrt(1−β2^t) + ε); weightDecay is L2 (λw added to g).
// The bias corrections are per-step scalars of the step uniform (shaders/adam_update.wgsl).
import { adamStepScalars } from '../cpu/index.js';
import type { OptimizerModule } from './types.js';
import { updateTensors } from './types.js';

/**
 * Adam, or with `decoupled` AdamW (src/optimizers/adamw.ts): one kernel, adam_update.wgsl, whose
 * DECOUPLED override applies λ as w·(1 − μλ) instead of in the gradient; both keep m, v and t.
 */
export function adamFamily(name: string, decoupled: boolean, weightDecay: number): OptimizerModule {
  return {
    name,
    state: ['m', 'v'],
    defaults: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay },
    countsSteps: true,
    stepScalars: (lr, t, s) => adamStepScalars(lr, s.beta1, s.beta2, t, decoupled ? s.weightDecay : 0),
    update: (count, s) => ({
      kernel: 'adamUpdate',
      tensors: updateTensors({ m: 'm', v: 'v' }),
      params: { count, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon, weightDecay: s.weightDecay },
      constants: { CLIP: s.clipNorm > 0, DECOUPLED: decoupled },
      grid: { kind: 'optimizer', count },
    }),
  };
}

export const adam = adamFamily('adam', false, 0);

// momentum, the slides' form: m := β·m − μ·g', w := w + m (shaders/momentum_update.wgsl).
import type { OptimizerModule } from './types.js';
import { plainStep, updateTensors } from './types.js';

export const momentum: OptimizerModule = {
  name: 'momentum',
  state: ['velocity'],
  defaults: { momentum: 0.9, weightDecay: 0 },
  countsSteps: false,
  stepScalars: plainStep,
  update: (count, s) => ({
    kernel: 'momentumUpdate',
    tensors: updateTensors({ m: 'velocity' }),
    params: { count, beta: s.momentum, weightDecay: s.weightDecay },
    constants: { CLIP: s.clipNorm > 0 },
    grid: { kind: 'optimizer', count },
  }),
};

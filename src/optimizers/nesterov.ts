// nesterov: m := β·m − μ·g', then w := w + β·m − μ·g' with the new m (= PyTorch's
// SGD(nesterov=True) at a constant rate); shares momentum's velocity state (shaders/nesterov_update.wgsl).
import type { OptimizerModule } from './types.js';
import { plainStep, updateTensors } from './types.js';

export const nesterov: OptimizerModule = {
  name: 'nesterov',
  state: ['velocity'],
  defaults: { momentum: 0.9, weightDecay: 0 },
  countsSteps: false,
  stepScalars: plainStep,
  update: (count, s) => ({
    kernel: 'nesterovUpdate',
    tensors: updateTensors({ m: 'velocity' }),
    params: { count, beta: s.momentum, weightDecay: s.weightDecay },
    constants: { CLIP: s.clipNorm > 0 },
    grid: { kind: 'optimizer', count },
  }),
};

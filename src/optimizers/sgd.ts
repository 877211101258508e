// sgd: w := w − μ·g', with g' the clipped gradient plus λw (shaders/sgd_update.wgsl, cpu/sgd_update.ts).
import type { OptimizerModule } from './types.js';
import { plainStep, updateTensors } from './types.js';

export const sgd: OptimizerModule = {
  name: 'sgd',
  state: [],
  defaults: { weightDecay: 0 },
  countsSteps: false,
  stepScalars: plainStep,
  update: (count, s) => ({
    kernel: 'sgdUpdate',
    tensors: updateTensors(),
    params: { count, weightDecay: s.weightDecay },
    constants: { CLIP: s.clipNorm > 0 },
    grid: { kind: 'optimizer', count },
  }),
};

// rmsprop (PyTorch's RMSprop, no momentum, not centered): v := ρ·v + (1−ρ)·g'²,
// w := w − μ·g' / (sqrt(v) + ε); defaults ρ = 0.99, ε = 1e-8 (shaders/rmsprop_update.wgsl).
import type { OptimizerModule } from './types.js';
import { plainStep, updateTensors } from './types.js';

export const rmsprop: OptimizerModule = {
  name: 'rmsprop',
  state: ['squareAvg'],
  defaults: { rho: 0.99, epsilon: 1e-8, weightDecay: 0 },
  countsSteps: false,
  stepScalars: plainStep,
  update: (count, s) => ({
    kernel: 'rmspropUpdate',
    tensors: updateTensors({ v: 'squareAvg' }),
    params: { count, rho: s.rho, epsilon: s.epsilon, weightDecay: s.weightDecay },
    constants: { CLIP: s.clipNorm > 0 },
    grid: { kind: 'optimizer', count },
  }),
};

// The CPU twin of each kernel the planner uses, called with the invocation's tensors (by binding
// name), its params, its override constants and the step's uniform values. This is the CPU engine's
// whole interpreter: the twins themselves (src/cpu) keep their plain argument lists.
import * as cpu from '../cpu/index.js';
import type { StepValues } from '../plan/types.js';
import { ACTIVATION_ID, type ElementwiseActivation } from '../types.js';
import type { KernelName } from './sources.js';

export type Tensor = Float32Array | Uint32Array;
type Twin = (t: Record<string, Tensor>, p: Record<string, number>, c: Record<string, number | boolean>, step: StepValues) => void;

const ACTIVATION_NAME = Object.fromEntries(Object.entries(ACTIVATION_ID).map(([name, id]) => [id, name])) as Record<number, ElementwiseActivation>;
const act = (c: Record<string, number | boolean>) => ACTIVATION_NAME[Number(c.ACTIVATION ?? 0)];
const slope = (c: Record<string, number | boolean>) => Number(c.SLOPE ?? 0);
const f = (t: Tensor) => t as Float32Array;
const scaleOf = (t: Record<string, Tensor>, c: Record<string, number | boolean>) => (c.CLIP ? f(t.scale)[0] : 1);

const gather: Twin = (t, p, _c, s) => cpu.gatherRows(f(t.out), f(t.src), t.indices as Uint32Array, s.start, p.rows, p.cols);

export const CPU_TWINS: Partial<Record<KernelName, Twin>> = {
  gatherRows: gather,
  gatherRowsVec4: gather,
  denseForward: (t, p, c) => cpu.denseForward(f(t.u), f(t.z), f(t.x), f(t.w), f(t.bias), p.batch, p.nIn, p.nOut, act(c), slope(c)),
  denseBackwardWeights: (t, p) => cpu.denseBackwardWeights(f(t.dw), f(t.db), f(t.delta), f(t.x), p.batch, p.nIn, p.nOut),
  denseBackwardInput: (t, p, c) => cpu.denseBackwardInput(f(t.deltaPrev), f(t.delta), f(t.w), f(t.uPrev), p.batch, p.nIn, p.nOut, act(c), slope(c)),
  activationBackward: (t, p, c) => cpu.activationBackward(f(t.delta), f(t.dz), f(t.u), p.count, act(c), slope(c)),
  softmaxForward: (t, p) => cpu.softmaxForward(f(t.z), f(t.u), p.rows, p.cols),
  mseLoss: (t, p, c, s) => {
    f(t.loss)[s.slot] = cpu.mseLoss(f(t.delta), f(t.u), f(t.z), f(t.y), p.rows, p.cols, act(c), slope(c));
  },
  softmaxCrossEntropy: (t, p, _c, s) => {
    f(t.loss)[s.slot] = cpu.softmaxCrossEntropy(f(t.delta), f(t.u), f(t.y), p.rows, p.cols);
  },
  sigmoidBce: (t, p, _c, s) => {
    f(t.loss)[s.slot] = cpu.sigmoidBce(f(t.delta), f(t.u), f(t.y), p.rows, p.cols);
  },
  gradNormPartial: (t, p) => cpu.gradNormPartial(f(t.partial), f(t.g), p.count),
  gradNormScale: (t, p) => {
    f(t.scale)[0] = cpu.gradNormFactor(f(t.partial), p.parts, p.maxNorm);
  },
  sgdUpdate: (t, p, c, s) => cpu.sgdUpdate(f(t.w), f(t.g), p.count, s.lr, p.weightDecay, scaleOf(t, c)),
  momentumUpdate: (t, p, c, s) => cpu.momentumUpdate(f(t.w), f(t.m), f(t.g), p.count, s.lr, p.beta, p.weightDecay, scaleOf(t, c)),
  nesterovUpdate: (t, p, c, s) => cpu.nesterovUpdate(f(t.w), f(t.m), f(t.g), p.count, s.lr, p.beta, p.weightDecay, scaleOf(t, c)),
  adamUpdate: (t, p, c, s) =>
    cpu.adamUpdate(f(t.w), f(t.m), f(t.v), f(t.g), p.count, s.stepSize, s.bc2Sqrt, p.beta1, p.beta2, p.epsilon, p.weightDecay, s.decay, Boolean(c.DECOUPLED), scaleOf(t, c)),
  rmspropUpdate: (t, p, c, s) => cpu.rmspropUpdate(f(t.w), f(t.v), f(t.g), p.count, s.lr, p.rho, p.epsilon, p.weightDecay, scaleOf(t, c)),
};

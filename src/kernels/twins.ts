// The CPU twin of each kernel the planner uses, called with the invocation's tensors (by binding
// name), its params, its override constants and the step's uniform values. This is the CPU engine's
// whole interpreter: the twins themselves (src/cpu) keep their plain argument lists.
import * as cpu from '../cpu/index.js';
import { ShapeError } from '../errors.js';
import type { StepValues } from '../plan/types.js';
import { ACTIVATION_ID, type ElementwiseActivation } from '../types.js';
import type { KernelName } from './sources.js';

export type Tensor = Float32Array | Uint32Array;
type Twin = (t: Record<string, Tensor>, p: Record<string, number>, c: Record<string, number | boolean>, step: StepValues) => void;

const ACTIVATION_NAME = Object.fromEntries(Object.entries(ACTIVATION_ID).map(([name, id]) => [id, name])) as Record<number, ElementwiseActivation>;
const act = (c: Record<string, number | boolean>) => ACTIVATION_NAME[Number(c.ACTIVATION ?? 0)];
const slope = (c: Record<string, number | boolean>) => Number(c.SLOPE ?? 0);
const f = (t: Tensor) => t as Float32Array;
const u32 = (t: Tensor) => t as Uint32Array;
const scaleOf = (t: Record<string, Tensor>, c: Record<string, number | boolean>) => (c.CLIP ? f(t.scale)[0] : 1);

/**
 * Checks the outH and outW a plan gives a pooling kernel (no padding) against the sizes (a plan with
 * wrong ones would pass on the CPU, whose twins compute their own, and read out of place on the GPU).
 */
function checkWindows(kernel: string, p: Record<string, number>): void {
  const outH = cpu.convOutputSize(p.inH, p.kh, p.sh, 0);
  const outW = cpu.convOutputSize(p.inW, p.kw, p.sw, 0);
  if (p.outH !== outH || p.outW !== outW) {
    throw new ShapeError(`${kernel}: params say an output of ${p.outH}×${p.outW}, the sizes give ${outH}×${outW}`);
  }
}
const pool = (kernel: string, p: Record<string, number>) => {
  checkWindows(kernel, p);
  return [p.batch, p.channels, p.inH, p.inW, p.kh, p.kw, p.sh, p.sw] as const;
};

const gather: Twin = (t, p, _c, s) => cpu.gatherRows(f(t.out), f(t.src), u32(t.indices), s.start, p.rows, p.cols);

export const CPU_TWINS: Partial<Record<KernelName, Twin>> = {
  gatherRows: gather,
  gatherRowsVec4: gather,
  denseForward: (t, p, c) => cpu.denseForward(f(t.u), f(t.z), f(t.x), f(t.w), f(t.bias), p.batch, p.nIn, p.nOut, act(c), slope(c)),
  denseBackwardWeights: (t, p) => cpu.denseBackwardWeights(f(t.dw), f(t.db), f(t.delta), f(t.x), p.batch, p.nIn, p.nOut),
  denseBackwardInput: (t, p, c) => cpu.denseBackwardInput(f(t.deltaPrev), f(t.delta), f(t.w), f(t.uPrev), p.batch, p.nIn, p.nOut, act(c), slope(c)),
  activationForward: (t, p, c) => cpu.activationForward(f(t.z), f(t.u), p.count, act(c), slope(c)),
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
  denseBackwardWeightsSplit: (t, p) => cpu.denseBackwardWeightsSplit(f(t.dwParts), f(t.dbParts), f(t.delta), f(t.x), p.rows, p.chunk, p.nIn, p.nOut, p.partStride, p.biasStride),
  sumParts: (t, p) => cpu.sumParts(f(t.out), f(t.src), p.count, p.parts, p.stride),
  conv2dGemmForward: (t, p, c) => cpu.conv2dGemmForward(f(t.u), f(t.z), f(t.x), f(t.w), f(t.bias), p.batch, p.nIn, p.nOut, p.pixels, act(c), slope(c)),
  im2col: (t, p) => cpu.im2col(f(t.cols), f(t.x), p as unknown as cpu.ConvGeometry),
  col2im: (t, p) => cpu.col2im(f(t.dx), f(t.dcols), p as unknown as cpu.ConvGeometry),
  transposeBatched: (t, p) => cpu.transposeBatched(f(t.out), f(t.src), p.batch, p.rows, p.cols),
  maxPool2dForward: (t, p) => cpu.maxPool2dForward(f(t.y), u32(t.argmax), f(t.x), ...pool('maxPool2dForward', p)),
  maxPool2dBackward: (t, p) => cpu.maxPool2dBackward(f(t.dx), f(t.delta), u32(t.argmax), ...pool('maxPool2dBackward', p)),
  avgPool2dForward: (t, p) => cpu.avgPool2dForward(f(t.y), f(t.x), ...pool('avgPool2dForward', p)),
  avgPool2dBackward: (t, p) => cpu.avgPool2dBackward(f(t.dx), f(t.delta), ...pool('avgPool2dBackward', p)),
  dropoutForward: (t, p, _c, s) =>
    cpu.dropoutForwardHashed(f(t.y), f(t.mask), f(t.x), p.count, p.threshold, p.scale, p.seed, p.layer, s.counter),
  dropoutBackward: (t, p) => cpu.dropoutBackward(f(t.dx), f(t.delta), f(t.mask), p.count, p.scale),
  randomShift: (t, p, _c, s) =>
    cpu.randomShift(f(t.y), f(t.x), p.count, p.channels, p.height, p.width, p.maxY, p.maxX, p.sign, p.seed, p.layer, s.counter),
  layerNormForward: (t, p) =>
    cpu.layerNormForward(f(t.y), f(t.mean), f(t.rstd), f(t.x), f(t.gamma), f(t.beta), p.rows, p.features, p.epsilon),
  layerNormBackwardInput: (t, p) =>
    cpu.layerNormBackwardInput(f(t.dx), f(t.dy), f(t.x), f(t.gamma), f(t.mean), f(t.rstd), p.rows, p.features),
  layerNormBackwardParams: (t, p) =>
    cpu.layerNormBackwardParams(f(t.dgamma), f(t.dbeta), f(t.dy), f(t.x), f(t.mean), f(t.rstd), p.rows, p.features),
};

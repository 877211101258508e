// An optimizer module: the per-parameter state it keeps (in the flat parameter layout, checkpointed
// as `optimizer.<state>.<parameter>`), the fit options it takes, and its one fused update over the
// whole flat parameter buffer. Per-step scalars (the scheduled rate, Adam's bias corrections) ride
// in the step uniform, which is written once per epoch.
import type { Invocation } from '../plan/types.js';

/** The optimizer settings of one fit, checked and with defaults filled in. */
export interface OptimizerSettings {
  learningRate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  rho: number;
  weightDecay: number;
  /** Global-norm clipping of the raw gradients (0 = off). */
  clipNorm: number;
}

export type OptimizerOption = 'momentum' | 'beta1' | 'beta2' | 'epsilon' | 'rho' | 'weightDecay';

/** Per-step scalars of the step uniform other than the batch start, loss slot and rate. */
export interface StepScalars {
  stepSize: number;
  bc2Sqrt: number;
  decay: number;
}

export interface OptimizerModule {
  name: string;
  /** Names of its per-parameter state tensors (none for sgd). */
  state: readonly string[];
  /** The fit options it reads, with their defaults (others given for it are a ConfigError). */
  defaults: Partial<Record<OptimizerOption, number>>;
  /** Whether it counts its own steps (Adam's t, for the bias corrections); kept in checkpoints. */
  countsSteps: boolean;
  /** `t` is the 1-based step of this optimizer's state; `lr` the scheduled rate of that step. */
  stepScalars(lr: number, t: number, s: OptimizerSettings): StepScalars;
  /** The update of all `count` parameters (the flat layout's length). */
  update(count: number, s: OptimizerSettings): Invocation;
}

/** The tensors every update binds: weights, gradients, the clip factor. */
export function updateTensors(extra: Record<string, string> = {}): Invocation['tensors'] {
  const tensors: Invocation['tensors'] = { w: { buffer: 'params' }, g: { buffer: 'grads' }, scale: { buffer: 'gradNorm.scale' } };
  for (const [binding, state] of Object.entries(extra)) tensors[binding] = { buffer: `state.${state}` };
  return tensors;
}

/** Step scalars of optimizers without bias correction or decoupled decay. */
export const plainStep = (): StepScalars => ({ stepSize: 0, bc2Sqrt: 1, decay: 1 });

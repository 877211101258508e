// Checks fit's optimizer options against the chosen optimizer's module: typed errors for values out
// of range and for options the optimizer does not take, defaults from the module.
import { ConfigError } from '../errors.js';
import { kindOf, oneOf } from '../options.js';
import { OPTIMIZERS, type OptimizerName } from '../types.js';
import { OPTIMIZER_MODULES } from './index.js';
import type { OptimizerModule, OptimizerOption, OptimizerSettings } from './types.js';

/** fit's optimizer options (defaults per optimizer: its module's `defaults`). */
export interface OptimizerOptions {
  /** 'sgd' (default), 'momentum', 'nesterov', 'adam', 'adamw' or 'rmsprop' (formulas in the README). */
  optimizer?: OptimizerName;
  /** The base rate μ (default 0.01); a schedule scales it per step. */
  learningRate?: number;
  /** β of momentum and nesterov (default 0.9). */
  momentum?: number;
  /** Adam's and AdamW's β1 (default 0.9) and β2 (default 0.999). */
  beta1?: number;
  beta2?: number;
  /** ε of adam, adamw and rmsprop (default 1e-8). */
  epsilon?: number;
  /** ρ of rmsprop (default 0.99, PyTorch's alpha). */
  rho?: number;
  /** λ: L2 (λw added to the gradient, every parameter) for all but adamw, where it is the decoupled decay (default 0.01 there, 0 elsewhere). */
  weightDecay?: number;
  /** Clip the raw gradients to this global L2 norm before the update (PyTorch's clip_grad_norm_); off when left out. */
  clipNorm?: number;
}

const RANGES: Record<OptimizerOption, { ok: (v: number) => boolean; range: string }> = {
  momentum: { ok: (v) => v >= 0 && v < 1, range: 'a number in [0, 1)' },
  beta1: { ok: (v) => v >= 0 && v < 1, range: 'a number in [0, 1)' },
  beta2: { ok: (v) => v >= 0 && v < 1, range: 'a number in [0, 1)' },
  rho: { ok: (v) => v >= 0 && v < 1, range: 'a number in [0, 1)' },
  epsilon: { ok: (v) => v > 0 && Number.isFinite(v), range: 'a positive finite number' },
  weightDecay: { ok: (v) => v >= 0 && Number.isFinite(v), range: 'a finite number ≥ 0' },
};

const DEFAULT_RATE = 0.01;

/** The optimizer module and its settings for a fit, from fit's options. */
export function optimizerSettings(options: OptimizerOptions): { module: OptimizerModule; settings: OptimizerSettings } {
  const name = oneOf('optimizer', options.optimizer ?? 'sgd', OPTIMIZERS);
  const module: OptimizerModule = OPTIMIZER_MODULES[name];
  const learningRate = options.learningRate ?? DEFAULT_RATE;
  if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) {
    throw new ConfigError(`learningRate must be a positive finite number, got ${kindOf(learningRate)}`);
  }
  const clipNorm = options.clipNorm ?? 0;
  if (options.clipNorm !== undefined && (typeof clipNorm !== 'number' || !(clipNorm > 0) || !Number.isFinite(clipNorm))) {
    throw new ConfigError(`clipNorm must be a positive finite number (the largest global L2 norm of the gradients), got ${kindOf(clipNorm)}; leave it out for no clipping`);
  }
  const settings: OptimizerSettings = { learningRate, clipNorm, momentum: 0, beta1: 0, beta2: 0, epsilon: 1, rho: 0, weightDecay: 0 };
  for (const option of Object.keys(RANGES) as OptimizerOption[]) {
    const given = options[option];
    const fallback = module.defaults[option];
    if (fallback === undefined) {
      if (given !== undefined) {
        const takers = OPTIMIZERS.filter((o) => OPTIMIZER_MODULES[o].defaults[option] !== undefined);
        throw new ConfigError(`${option} does not apply to optimizer '${name}' (it applies to ${takers.join(', ')}); leave it out or choose one of those`);
      }
      continue;
    }
    const value = given ?? fallback;
    if (typeof value !== 'number' || !RANGES[option].ok(value)) throw new ConfigError(`${option} must be ${RANGES[option].range}, got ${kindOf(value)}`);
    settings[option] = value;
  }
  return { module, settings };
}

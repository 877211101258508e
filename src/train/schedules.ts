// Learning-rate schedules, evaluated per optimizer step t (0-based, counted over the model's whole
// training: a resumed checkpoint continues the schedule where it stopped). The rate of every step of
// an epoch goes into the step uniform, written once per epoch: a schedule costs no write per step.
import { ConfigError } from '../errors.js';
import { checkedOptions, kindOf, oneOf } from '../options.js';

export const SCHEDULES = ['constant', 'step', 'exponential', 'cosine'] as const;
export type ScheduleType = (typeof SCHEDULES)[number];

/**
 * - constant: μ
 * - step: μ·γ^floor(t'/stepSize)            (γ default 0.1)
 * - exponential: μ·γ^(t'/decaySteps)         (decaySteps default 1: γ per step)
 * - cosine: floor + (μ − floor)·(1 + cos(π·t'/T'))/2 for t' ≤ T', floor after (floor default 0)
 * With warmupSteps W > 0 the rate first rises linearly, μ·(t+1)/W for t < W, and t' = t − W,
 * T' = totalSteps − W. `totalSteps` (cosine) defaults to where the fit that uses it ends.
 */
export interface Schedule {
  type: ScheduleType;
  warmupSteps?: number;
  gamma?: number;
  stepSize?: number;
  decaySteps?: number;
  floor?: number;
  totalSteps?: number;
}

const KEYS = ['type', 'warmupSteps', 'gamma', 'stepSize', 'decaySteps', 'floor', 'totalSteps'] as const;
const APPLIES: Record<ScheduleType, readonly string[]> = {
  constant: ['type', 'warmupSteps'],
  step: ['type', 'warmupSteps', 'gamma', 'stepSize'],
  exponential: ['type', 'warmupSteps', 'gamma', 'decaySteps'],
  cosine: ['type', 'warmupSteps', 'floor', 'totalSteps'],
};

/** Checks a schedule option (a name, or an object) and fills in its defaults. */
export function checkedSchedule(given: unknown, learningRate: number, defaultTotal: number): Required<Schedule> {
  const spec: Partial<Schedule> = typeof given === 'string' ? { type: given as ScheduleType } : checkedOptions<Schedule>('schedule', given, KEYS);
  const type = oneOf('schedule type', spec.type ?? 'constant', SCHEDULES);
  for (const key of Object.keys(spec)) {
    if (!APPLIES[type].includes(key)) throw new ConfigError(`schedule ${type} takes no ${key} (it takes ${APPLIES[type].join(', ')})`);
  }
  const whole = (name: string, value: unknown, min: number) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw new ConfigError(`schedule.${name} must be a whole number ≥ ${min}, got ${kindOf(value)}`);
    return value;
  };
  const warmupSteps = whole('warmupSteps', spec.warmupSteps ?? 0, 0);
  const gamma = spec.gamma ?? (type === 'step' ? 0.1 : 0.99);
  if (typeof gamma !== 'number' || !(gamma > 0 && gamma <= 1)) throw new ConfigError(`schedule.gamma must be a number in (0, 1], got ${kindOf(gamma)}`);
  const floor = spec.floor ?? 0;
  if (typeof floor !== 'number' || !(floor >= 0 && floor <= learningRate)) {
    throw new ConfigError(`schedule.floor must be a number from 0 to the learning rate (${learningRate}), got ${kindOf(floor)}`);
  }
  const totalSteps = whole('totalSteps', spec.totalSteps ?? defaultTotal, 1);
  if (type === 'cosine' && totalSteps <= warmupSteps) throw new ConfigError(`schedule.totalSteps (${totalSteps}) must exceed warmupSteps (${warmupSteps})`);
  return {
    type,
    warmupSteps,
    gamma,
    stepSize: whole('stepSize', spec.stepSize ?? 1000, 1),
    decaySteps: whole('decaySteps', spec.decaySteps ?? 1, 1),
    floor,
    totalSteps,
  };
}

/** The learning rate of optimizer step t (0-based), in float64. */
export function scheduledRate(s: Required<Schedule>, learningRate: number, t: number): number {
  if (t < s.warmupSteps) return (learningRate * (t + 1)) / s.warmupSteps;
  const after = t - s.warmupSteps;
  switch (s.type) {
    case 'constant':
      return learningRate;
    case 'step':
      return learningRate * s.gamma ** Math.floor(after / s.stepSize);
    case 'exponential':
      return learningRate * s.gamma ** (after / s.decaySteps);
    case 'cosine': {
      const span = s.totalSteps - s.warmupSteps;
      if (after >= span) return s.floor;
      return s.floor + ((learningRate - s.floor) * (1 + Math.cos((Math.PI * after) / span))) / 2;
    }
  }
}

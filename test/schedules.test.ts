// Learning-rate schedules against values computed by hand, and their option checks.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/index';
import { checkedSchedule, scheduledRate } from '../src/train/schedules';

const rates = (spec: unknown, lr: number, steps: number, total = steps) => {
  const s = checkedSchedule(spec, lr, total);
  return Array.from({ length: steps }, (_, t) => scheduledRate(s, lr, t));
};

describe('schedules', () => {
  it('constant, with and without warm-up', () => {
    expect(rates('constant', 0.1, 3)).toEqual([0.1, 0.1, 0.1]);
    const warm = rates({ type: 'constant', warmupSteps: 4 }, 0.1, 6);
    [0.025, 0.05, 0.075, 0.1, 0.1, 0.1].forEach((v, i) => expect(warm[i]).toBeCloseTo(v, 15));
  });

  it('step decay: μ·γ^floor(t/stepSize)', () => {
    const r = rates({ type: 'step', stepSize: 2, gamma: 0.5 }, 0.8, 6);
    [0.8, 0.8, 0.4, 0.4, 0.2, 0.2].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 15));
  });

  it('exponential: μ·γ^(t/decaySteps), after the warm-up', () => {
    const r = rates({ type: 'exponential', gamma: 0.5, decaySteps: 2, warmupSteps: 1 }, 1, 4);
    [1, 1, Math.SQRT1_2, 0.5].forEach((v, i) => expect(r[i]).toBeCloseTo(v, 15));
  });

  it('cosine to a floor over totalSteps (default: the end of the fit)', () => {
    const r = rates({ type: 'cosine', floor: 0.1 }, 1.1, 6, 4);
    // t/T = 0, 1/4, 1/2, 3/4, then the floor
    const expected = [1.1, 0.1 + (1 + Math.SQRT1_2) / 2, 0.6, 0.1 + (1 - Math.SQRT1_2) / 2, 0.1, 0.1];
    expected.forEach((v, i) => expect(r[i]).toBeCloseTo(v, 14));
    const warm = rates({ type: 'cosine', warmupSteps: 2, totalSteps: 6 }, 1, 6);
    [0.5, 1, 1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2].forEach((v, i) => expect(warm[i]).toBeCloseTo(v, 14));
  });

  it.each([
    [{ type: 'cosin' }, /did you mean "cosine"/],
    [{ type: 'step', gamma: 0 }, /gamma/],
    [{ type: 'step', gamma: 1.5 }, /gamma/],
    [{ type: 'step', stepSize: 0 }, /stepSize/],
    [{ type: 'step', stepSize: 2.5 }, /stepSize/],
    [{ type: 'cosine', floor: 2 }, /floor/],
    [{ type: 'cosine', warmupSteps: 10, totalSteps: 10 }, /totalSteps/],
    [{ type: 'constant', warmupSteps: -1 }, /warmupSteps/],
    [{ type: 'constant', gamma: 0.5 }, /takes no gamma/],
    [{ type: 'cosine', warmup: 3 }, /did you mean "warmupSteps"/],
    ['linear', /schedule type/],
    [5, /schedule must be an object/],
  ])('%o is refused', (spec, message) => {
    expect(() => checkedSchedule(spec, 1, 100)).toThrow(ConfigError);
    expect(() => checkedSchedule(spec, 1, 100)).toThrow(message);
  });
});

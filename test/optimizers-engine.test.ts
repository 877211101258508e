// Every optimizer and schedule through both engines: 5-step trajectories GPU vs CPU, resume from a
// checkpoint bit-identical to uninterrupted training, and the same step plan on both backends.
import { describe, expect, it } from 'vitest';
import { OPTIMIZERS, Sequential, type FitOptions, type ModelOptions } from '../src/index';
import type { StepPlan } from '../src/plan/types';
import { randomArray, testContext, worstExcess } from './helpers/gpu';

const rows = 40;
const x = randomArray(41, rows * 6, -1, 1);
const labels = Uint8Array.from({ length: rows }, (_, i) => (x[i * 6] > 0 ? 1 : 0) + (x[i * 6 + 1] > 0 ? 1 : 0));
const model = (backend: ModelOptions['backend']): ModelOptions => ({
  inputSize: 6,
  layers: [{ units: 9, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
  seed: 17,
  backend,
});
const RATES: Record<string, number> = { sgd: 0.2, momentum: 0.1, nesterov: 0.1, adam: 0.01, adamw: 0.01, rmsprop: 0.005 };
// 40 rows in batches of 8: 5 steps per epoch.
const base = (optimizer: (typeof OPTIMIZERS)[number]): FitOptions => ({ optimizer, learningRate: RATES[optimizer], batchSize: 8, epochs: 1 });

async function weightsAfter(backend: ModelOptions['backend'], fit: FitOptions): Promise<{ loss: number[]; flat: Float32Array }> {
  const m = await Sequential.create(model(backend));
  try {
    const history = await m.fit(x, labels, fit);
    const w = await m.getWeights();
    return { loss: history.loss, flat: Float32Array.from(w.flatMap((l) => [...l!.weight, ...l!.bias])) };
  } finally {
    m.dispose();
  }
}

const CASES: [string, FitOptions][] = [
  ...OPTIMIZERS.map((o): [string, FitOptions] => [o, base(o)]),
  ...OPTIMIZERS.map((o): [string, FitOptions] => [`${o}, weight decay 0.1, clipNorm 0.5`, { ...base(o), weightDecay: 0.1, clipNorm: 0.5 }]),
  ['momentum, step schedule with warm-up', { ...base('momentum'), schedule: { type: 'step', stepSize: 2, gamma: 0.5, warmupSteps: 2 } }],
  ['adam, exponential schedule', { ...base('adam'), schedule: { type: 'exponential', gamma: 0.7 } }],
  ['sgd, cosine to a floor with warm-up', { ...base('sgd'), epochs: 2, schedule: { type: 'cosine', floor: 0.01, warmupSteps: 3 } }],
  ['adamw, cosine, custom betas', { ...base('adamw'), beta1: 0.8, beta2: 0.99, epsilon: 1e-6, schedule: 'cosine' }],
  ['rmsprop, rho 0.9', { ...base('rmsprop'), rho: 0.9 }],
];

describe('optimizers: GPU against the CPU engine', () => {
  it.each(CASES)('%s', async (_name, fit) => {
    const gpu = await weightsAfter(await testContext(), fit);
    const cpu = await weightsAfter('cpu', fit);
    // 5 or 10 float32 steps apart on two backends: losses within 1e-5 relative, weights within 1e-5 + 1e-4 relative.
    expect(worstExcess(gpu.loss, cpu.loss, 1e-6, 1e-5)).toBeLessThanOrEqual(0);
    expect(worstExcess(gpu.flat, cpu.flat, 1e-5, 1e-4)).toBeLessThanOrEqual(0);
    // and training moved the weights
    const fresh = await (await Sequential.create(model('cpu'))).getWeights();
    const initial = Float32Array.from(fresh.flatMap((l) => [...l!.weight, ...l!.bias]));
    expect(worstExcess(cpu.flat, initial, 1e-4, 0)).toBeGreaterThan(0);
  });
});

describe('optimizers: resume from a checkpoint is bit-identical', () => {
  it.each(OPTIMIZERS.map((o) => [o]))('%s (GPU, cosine schedule, clipping)', async (optimizer) => {
    const ctx = await testContext();
    const fit: FitOptions = { ...base(optimizer), clipNorm: 1, schedule: { type: 'cosine', totalSteps: 15 } };
    const straight = await Sequential.create(model(ctx));
    await straight.fit(x, labels, { ...fit, epochs: 3 });
    const interrupted = await Sequential.create(model(ctx));
    await interrupted.fit(x, labels, fit);
    const resumed = await Sequential.load(await interrupted.save(), { backend: ctx });
    interrupted.dispose();
    await resumed.fit(x, labels, { ...fit, epochs: 2 });
    const [a, b] = [await straight.getWeights(), await resumed.getWeights()];
    a.forEach((layer, t) => {
      expect(Array.from(b[t]!.weight)).toEqual(Array.from(layer!.weight));
      expect(Array.from(b[t]!.bias)).toEqual(Array.from(layer!.bias));
    });
    const [sa, sb] = [await straight.save(), await resumed.save()];
    expect(sb).toEqual(sa); // optimizer state, counters and RNG too
    straight.dispose();
    resumed.dispose();
  });
});

describe('step plans', () => {
  it('both backends run the identical list of invocations', async () => {
    const plans: Record<string, StepPlan[]> = { gpu: [], cpu: [] };
    for (const [kind, backend] of [['gpu', await testContext()], ['cpu', 'cpu']] as const) {
      const m = await Sequential.create(model(backend));
      (m as unknown as { engine: { onPlan: (p: StepPlan) => void } }).engine.onPlan = (p) => plans[kind].push(p);
      await m.fit(x.subarray(0, 36 * 6), labels.subarray(0, 36), { ...base('adam'), clipNorm: 1, weightDecay: 0.01 });
      await m.evaluate(x, labels);
      await m.gradients(x.subarray(0, 12), labels.subarray(0, 2));
      m.dispose();
    }
    const describe = (p: StepPlan) => `${p.kind}/${p.rows}: ${p.invocations.map((i) => i.kernel).join(' → ')}`;
    console.log(plans.cpu.map(describe).join('\n'));
    expect(plans.cpu.map((p) => p.kind)).toEqual(['train', 'train', 'inferLoss', 'gradTargets']);
    expect(plans.gpu).toEqual(plans.cpu);
    expect(plans.cpu[0].invocations.map((i) => i.kernel)).toEqual([
      'gatherRows',
      'gatherRows',
      'denseForward',
      'denseForward',
      'softmaxCrossEntropy',
      'denseBackwardWeights',
      'denseBackwardInput',
      'denseBackwardWeights',
      'gradNormPartial',
      'gradNormScale',
      'adamUpdate',
    ]);
  });
});

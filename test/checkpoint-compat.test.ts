// A checkpoint written by the previous release (session 3, commit 47893ef: momentum only, no
// checksums, no optimizer_steps) still loads: same weights, predictions and counters, and training
// goes on from its momentum as that release did (values below printed by that release).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Sequential } from '../src/index';
import { worstExcess } from './helpers/gpu';

const file = readFileSync(new URL('./fixtures/checkpoint-session3.safetensors', import.meta.url));
const x = Float32Array.from({ length: 24 }, (_, i) => Math.sin(i));
const labels = Uint8Array.from([0, 1, 1, 0, 1, 0, 0, 1]);
const saved = {
  weight0: [-0.3809431791305542, -0.038523800671100616, 0.2550570070743561, 0.5187243223190308, -0.6929271817207336, 0.0985073521733284, -0.39611878991127014, 0.49508458375930786, 0.15385103225708008, 1.0363149642944336, -0.34266629815101624, 0.5654954314231873],
  bias1: [-0.015523017384111881, 0.015523017384111881],
  predict: [0.5268543362617493, 0.4731456935405731, 0.4615652859210968, 0.5384347438812256, 0.5051479339599609, 0.4948520362377167, 0.4849714934825897, 0.5150284767150879, 0.48101893067359924, 0.5189810991287231, 0.5087160468101501, 0.49128398299217224, 0.45916059613227844, 0.5408393740653992, 0.5284799933433533, 0.4715200364589691],
};
// After one more epoch of momentum (batch 4, rate 0.1) in that release:
const continued = {
  weight0: [-0.37541383504867554, -0.038356222212314606, 0.24970877170562744, 0.520473062992096, -0.6959644556045532, 0.09347651898860931, -0.3949693739414215, 0.49355998635292053, 0.15105412900447845, 1.050253987312317, -0.3511534631252289, 0.5423851013183594],
  bias1: [-0.01897324249148369, 0.01897324249148369],
};

describe('checkpoints of the previous release', () => {
  it('load with their weights, predictions and counters, and train on as that release did', async () => {
    const model = await Sequential.load(file, { backend: 'cpu' });
    expect(model.progress).toEqual({"epochs": 2, "steps": 4});
    const w = await model.getWeights();
    expect(Array.from(w[0]!.weight)).toEqual(saved.weight0);
    expect(Array.from(w[1]!.bias)).toEqual(saved.bias1);
    expect(Array.from(await model.predict(x))).toEqual(saved.predict);
    await model.fit(x, labels, { epochs: 1, batchSize: 4, optimizer: 'momentum', learningRate: 0.1 });
    const after = await model.getWeights();
    // The CPU engine now runs the fused weight-gradient twin (another summation order): float32 rounding apart.
    expect(worstExcess(after[0]!.weight, continued.weight0, 1e-6, 1e-5)).toBeLessThanOrEqual(0);
    expect(worstExcess(after[1]!.bias, continued.bias1, 1e-6, 1e-5)).toBeLessThanOrEqual(0);
  });
});

// The start-up autotune: every candidate it times must compute the right product, it must keep the
// fastest, remember the choice per adapter, and a model built on the tuned context must train like
// the CPU reference.
import { create } from 'webgpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createContext, GpuContext, Sequential } from '../src/index';
import { candidates, clearTuneCache, roundsPerSubmit } from '../src/tuning/autotune';
import { isSoftwareAdapter } from '../src/gpu/context';
import { randomArray } from './helpers/gpu';

const gpu = create([]);
let tuned: GpuContext;

beforeAll(async () => {
  clearTuneCache();
  tuned = await createContext({ gpu, autotune: true });
}, 120_000);

afterAll(() => {
  tuned.assertHealthy();
  clearTuneCache();
});

describe('matmul autotune', () => {
  it('times enough rounds per submit that a fast GPU is not timed by its round trip', () => {
    expect(roundsPerSubmit(0.2)).toBe(25); // 1024³ twice on a fast GPU: 5 ms of work per submit
    expect(roundsPerSubmit(0.01)).toBe(32); // at most 32
    expect(roundsPerSubmit(0)).toBe(32);
    expect(roundsPerSubmit(6)).toBe(1); // slow adapters (SwiftShader at 192³: 10+ ms) as before
  });

  it('times every candidate for the adapter, all of them correct, and keeps the fastest', () => {
    const result = tuned.tuning!;
    expect(result.cached).toBe(false);
    const expected = candidates(isSoftwareAdapter(tuned.adapter), tuned.quads);
    expect(result.trials.map((t) => t.config)).toEqual(expected);
    // ms is null when a candidate's product disagreed with the CPU: none may here.
    for (const trial of result.trials) expect(trial.ms).toBeGreaterThan(0);
    const fastest = result.trials.reduce((a, b) => (b.ms! < a.ms! ? b : a));
    expect(tuned.matmul).toEqual(fastest.config);
    expect(result.matmul).toEqual(fastest.config);
  });

  it('reuses the choice for the same adapter without timing again', async () => {
    const again = await createContext({ gpu, autotune: true });
    expect(again.tuning!.cached).toBe(true);
    expect(again.tuning!.trials).toEqual([]);
    expect(again.matmul).toEqual(tuned.matmul);
  });

  it('is skipped when a core is named, and off by default on a software adapter', async () => {
    const named = await createContext({ gpu, matmulCore: 'shared', autotune: true });
    expect(named.tuning).toBeNull();
    expect(named.matmul).toEqual({ core: 'shared', workgroup: 16 });
    const plain = await createContext({ gpu });
    if (isSoftwareAdapter(plain.adapter)) {
      expect(plain.tuning).toBeNull();
      expect(plain.matmul).toEqual({ core: plain.quads ? 'quad' : 'register', workgroup: 4 });
    } else {
      expect(plain.tuning).not.toBeNull();
    }
  });

  it("uses the quad core only where the device's quads pass the probe, and says so when forced without them", async () => {
    const adapter = (await gpu.requestAdapter())!;
    const plainDevice = await adapter.requestDevice(); // no 'subgroups' feature requested
    const without = await createContext({ gpu, device: plainDevice });
    expect(without.quads).toBe(false);
    expect(without.matmul.core).not.toBe('quad');
    await expect(createContext({ gpu, device: plainDevice, matmulCore: 'quad' })).rejects.toThrow(ConfigError);
    await expect(createContext({ gpu, device: plainDevice, matmulCore: 'quad' })).rejects.toThrow(/subgroups/);
    plainDevice.destroy();
  });

  it('a model on the tuned context trains like the CPU reference', async () => {
    const rows = 64;
    const x = randomArray(5, rows * 20, -1, 1);
    const y = randomArray(6, rows * 3, 0, 1);
    const options = { inputSize: 20, layers: [{ units: 18, activation: 'tanh' as const }, { units: 3, activation: 'linear' as const }], loss: 'mse' as const, seed: 3 };
    const fit = { epochs: 2, batchSize: 16, optimizer: 'momentum' as const, learningRate: 0.05, momentum: 0.9, shuffle: false };
    const onGpu = await Sequential.create({ ...options, backend: tuned });
    const onCpu = await Sequential.create({ ...options, backend: 'cpu' });
    const a = await onGpu.fit(x, y, fit);
    const b = await onCpu.fit(x, y, fit);
    const last = (h: { loss: number[] }) => h.loss[h.loss.length - 1];
    expect(Math.abs(last(a) - last(b))).toBeLessThanOrEqual(1e-4 * Math.abs(last(b)));
    onGpu.dispose();
  });
});

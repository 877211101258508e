// Releasing a context: ctx.destroy() frees the buffers of every model on it and destroys the device
// it requested; a device the caller passed in (options.device) is the caller's and stays alive.
import { create } from 'webgpu';
import { describe, expect, it } from 'vitest';
import { createContext, Sequential } from '../src/index';

const gpu = create([]);
const XOR = { inputSize: 2, layers: [{ units: 4, activation: 'tanh' as const }, { units: 1, activation: 'sigmoid' as const }], loss: 'binaryCrossEntropy' as const, seed: 1 };

/** Whether `device.lost` resolves within `ms`, and its reason. */
async function lostWithin(device: GPUDevice, ms: number): Promise<string | null> {
  return Promise.race([device.lost.then((info) => info.reason as string), new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);
}

describe('GpuContext.destroy', () => {
  it('frees the buffers and destroys the device it requested; the model then refuses to run', async () => {
    const ctx = await createContext({ gpu, autotune: false });
    const model = await Sequential.create({ ...XOR, backend: ctx });
    await model.fit([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0], { epochs: 2, batchSize: 4 });
    expect(ctx.stats().buffers).toBeGreaterThan(0);
    ctx.destroy();
    expect(ctx.stats()).toEqual({ buffers: 0, bytes: 0 });
    expect(await lostWithin(ctx.device, 5000)).toBe('destroyed');
    expect(ctx.isLost).toBe(true);
    await expect(model.predict([0, 1])).rejects.toThrow();
  });

  it('leaves a device passed as options.device alive', async () => {
    const adapter = await gpu.requestAdapter();
    const device = await adapter!.requestDevice();
    const ctx = await createContext({ gpu, device, autotune: false });
    const model = await Sequential.create({ ...XOR, backend: ctx });
    expect(ctx.stats().buffers).toBeGreaterThan(0);
    ctx.destroy();
    expect(ctx.stats().buffers).toBe(0);
    expect(await lostWithin(device, 300)).toBeNull();
    model.dispose();
    device.destroy();
  });
});

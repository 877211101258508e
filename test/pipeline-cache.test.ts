// Each pipeline compiles once per context: create + fit must not compile the same kernel with the
// same override constants twice (the cache key was once the constants in insertion order, so
// dense_forward compiled in compileAll and again in the first fit).
import { describe, expect, it } from 'vitest';
import { Sequential } from '../src/index';
import { randomArray, testContext } from './helpers/gpu';

describe('pipeline cache', () => {
  it('create + fit compile no pipeline twice', async () => {
    const ctx = await testContext();
    const device = ctx.device;
    const original = device.createComputePipelineAsync.bind(device);
    const seen: string[] = [];
    device.createComputePipelineAsync = (descriptor: GPUComputePipelineDescriptor) => {
      const constants = Object.entries(descriptor.compute.constants ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
      seen.push(`${descriptor.label}|${descriptor.compute.module.label}|${JSON.stringify(constants)}`);
      return original(descriptor);
    };
    try {
      // A shape no other test uses, so every pipeline is compiled here for the first time.
      const model = await Sequential.create({ inputSize: 37, layers: [{ units: 29, activation: 'relu' }, { units: 5, activation: 'softmax' }], seed: 3, backend: ctx });
      const rows = 70;
      await model.fit(randomArray(5, rows * 37), Uint8Array.from({ length: rows }, (_, i) => i % 5), { epochs: 2 });
      await model.fit(randomArray(6, rows * 37), Uint8Array.from({ length: rows }, (_, i) => i % 5), { epochs: 1, batchSize: 16 });
      model.dispose();
    } finally {
      device.createComputePipelineAsync = original;
    }
    expect(seen.length).toBeGreaterThan(0);
    const duplicates = seen.filter((key, i) => seen.indexOf(key) !== i);
    expect(duplicates, `compiled twice: ${duplicates.join('\n')}`).toEqual([]);
  });
});

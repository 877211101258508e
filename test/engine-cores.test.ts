// The whole training engine with every matmul core, against the CPU reference backend. The kernel
// tests check each core on single products; this checks the engine's own launches of them (the
// fused forward, δ and weight-gradient kernels with their per-shape constants and grids) for the
// cores a GPU runs ('shared', 'tiled'), which SwiftShader's default never uses, and with a GPU's
// grid of 4096 workgroups for the element-wise, gather and optimizer kernels.
// Shapes: layer widths 130 and 70 and a batch of 67 cross every tile edge (16-wide blocks, 64- and
// 128-wide tiles) and leave ragged last tiles; 150 rows leave a partial last batch of 16; the input
// width 21 is odd (K % 4 = 1, the scalar gather). Tolerances as in model.test.ts: after 9 float32
// steps the backends differ only by rounding, so losses agree to 1e-4 relative and weights to 2e-5
// absolute + 1e-4 relative; one set of gradients to 1e-6 absolute + 1e-4 relative.
import { create } from 'webgpu';
import { afterAll, describe, expect, it } from 'vitest';
import { createContext, GpuContext, Sequential, type ModelOptions } from '../src/index';
import type { MatmulCore } from '../src/kernels/sources';
import { randomArray, worstExcess } from './helpers/gpu';

const gpu = create([]);
const contexts: GpuContext[] = [];

afterAll(() => contexts.forEach((ctx) => ctx.assertHealthy()));

/** A context forced onto `core`; for the GPU cores also a GPU's grid for grid-stride kernels. */
async function contextFor(core: MatmulCore): Promise<GpuContext | null> {
  const probe = await createContext({ gpu, matmulCore: 'register' });
  if (core === 'quad' && !probe.quads) return null;
  const ctx = core === 'register' ? probe : await createContext({ gpu, matmulCore: core });
  if (core === 'shared' || core === 'tiled') ctx.gridWorkgroups = 4096;
  contexts.push(ctx);
  return ctx;
}

const rows = 150;
const inputSize = 21;
const x = randomArray(31, rows * inputSize, -1.5, 1.5);
const labels = Uint8Array.from({ length: rows }, (_, i) => (i * 5 + (i >> 3)) % 3);
const options: Omit<ModelOptions, 'backend'> = {
  inputSize,
  layers: [{ units: 130, activation: 'relu' }, { units: 70, activation: 'tanh' }, { units: 3, activation: 'softmax' }],
  init: 'he',
  seed: 17,
};
const fit = { epochs: 3, batchSize: 67, optimizer: 'momentum' as const, learningRate: 0.05, momentum: 0.9 };

describe('the training engine with each matmul core agrees with the CPU reference', () => {
  for (const core of ['shared', 'tiled', 'register', 'quad'] as const) {
    it(`${core}: 3 epochs of momentum (batch 67 of 150 rows), then gradients`, async (t) => {
      const ctx = await contextFor(core);
      if (!ctx) return t.skip(); // no quads on this device
      expect(ctx.matmul.core).toBe(core);
      const [g, c] = await Promise.all([Sequential.create({ ...options, backend: ctx }), Sequential.create({ ...options, backend: 'cpu' })]);
      const [hg, hc] = [await g.fit(x, labels, fit), await c.fit(x, labels, fit)];
      expect(hg.loss).toHaveLength(3);
      expect(worstExcess(hg.loss, hc.loss, 0, 1e-4)).toBeLessThanOrEqual(0);
      expect(hg.loss[2]).toBeLessThan(hg.loss[0]);
      const [wg, wc] = [await g.getWeights(), await c.getWeights()];
      wg.forEach((layer, i) => {
        expect(worstExcess(layer!.weight, wc[i]!.weight, 2e-5, 1e-4), `layer ${i} weights`).toBeLessThanOrEqual(0);
        expect(worstExcess(layer!.bias, wc[i]!.bias, 2e-5, 1e-4), `layer ${i} biases`).toBeLessThanOrEqual(0);
      });
      const xb = x.subarray(0, 67 * inputSize);
      const yb = labels.subarray(0, 67);
      const [gg, gc] = [await g.gradients(xb, yb), await c.gradients(xb, yb)];
      expect(gg.loss).toBeCloseTo(gc.loss!, 5);
      gg.layers.forEach((layer, i) => {
        expect(worstExcess(layer!.weight, gc.layers[i]!.weight, 1e-6, 1e-4), `layer ${i} ∂W`).toBeLessThanOrEqual(0);
        expect(worstExcess(layer!.bias, gc.layers[i]!.bias, 1e-6, 1e-4), `layer ${i} ∂b`).toBeLessThanOrEqual(0);
      });
      expect(worstExcess(gg.input, gc.input, 1e-6, 1e-4), '∂X').toBeLessThanOrEqual(0);
      g.dispose();
    });
  }
});

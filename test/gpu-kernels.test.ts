// Every WGSL kernel against its CPU reference function (src/cpu), on a real WebGPU device, on
// shapes that do and do not divide the 64×64 tile. Inputs are seeded uniform numbers in [−1, 1).
// Tolerances: matrix kernels |gpu − cpu| ≤ 2e-6·K + 1e-5·|cpu| (f32 sums of K products, both
// sides rounding differently); element-wise and loss kernels ≤ 1e-6 + 1e-5·|cpu|.
import { afterAll, describe, expect, it } from 'vitest';
import * as cpu from '../src/cpu';
import { runKernel } from '../src/kernels/run';
import { elementwiseWorkgroups, matmulWorkgroups, perItemWorkgroups, SINGLE_WORKGROUP } from '../src/kernels/workgroups';
import { ACTIVATION_ID, type ElementwiseActivation } from '../src/types';
import { randomArray, testContext, worstExcess } from './helpers/gpu';

const ACTS: ElementwiseActivation[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'];
const SLOPE = 0.1;
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 33, 5],
  [33, 7, 65],
  [64, 64, 16],
  [65, 130, 17],
  [257, 33, 100],
];
const close = (gpu: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol = 1e-5) =>
  expect(worstExcess(gpu, ref, atol, rtol)).toBeLessThanOrEqual(0);

afterAll(async () => {
  (await testContext()).assertHealthy();
});

describe('matmul', () => {
  for (const [m, n, k] of SHAPES) {
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        it(`C[${m},${n}] = A${transA ? 'ᵀ' : ''}·B${transB ? 'ᵀ' : ''}, K=${k}`, async () => {
          const ctx = await testContext();
          const a = randomArray(m * 131 + k, m * k);
          const b = randomArray(n * 17 + k, k * n);
          const ref = new Float32Array(m * n);
          cpu.matmul(ref, a, b, m, n, k, transA, transB);
          const out = await runKernel(ctx, 'matmul', {
            constants: { TRANS_A: transA, TRANS_B: transB },
            uniforms: { params: { M: m, N: n, K: k } },
            buffers: { a, b, c: new Float32Array(m * n).fill(NaN) },
            workgroups: matmulWorkgroups(m, n),
          });
          close(out.c, ref, 2e-6 * k);
        });
      }
    }
  }
});

describe('dense layer kernels', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [7, 33, 5],
    [65, 17, 70],
    [130, 100, 10],
  ];
  for (const act of ACTS) {
    for (const [batch, nIn, nOut] of shapes) {
      it(`denseForward ${act} batch ${batch}, ${nIn}→${nOut}`, async () => {
        const ctx = await testContext();
        const x = randomArray(1, batch * nIn);
        const w = randomArray(2, nOut * nIn);
        const bias = randomArray(3, nOut);
        const u = new Float32Array(batch * nOut);
        const z = new Float32Array(batch * nOut);
        cpu.denseForward(u, z, x, w, bias, batch, nIn, nOut, act, SLOPE);
        const out = await runKernel(ctx, 'denseForward', {
          constants: { ACTIVATION: ACTIVATION_ID[act], SLOPE, TRANS_B: true },
          uniforms: { params: { batch, nIn, nOut } },
          buffers: { x, w, bias, u: new Float32Array(u.length), z: new Float32Array(z.length) },
          workgroups: matmulWorkgroups(batch, nOut),
        });
        close(out.u, u, 2e-6 * nIn);
        close(out.z, z, 2e-6 * nIn);
      });
      it(`denseBackwardInput ${act} batch ${batch}, ${nIn}→${nOut}`, async () => {
        const ctx = await testContext();
        const dy = randomArray(4, batch * nOut);
        const w = randomArray(5, nOut * nIn);
        const uPrev = randomArray(6, batch * nIn, -3, 3);
        const dx = new Float32Array(batch * nIn);
        cpu.denseBackwardInput(dx, dy, w, uPrev, batch, nIn, nOut, act, SLOPE);
        const out = await runKernel(ctx, 'denseBackwardInput', {
          constants: { ACTIVATION: ACTIVATION_ID[act], SLOPE },
          uniforms: { params: { batch, nIn, nOut } },
          buffers: { dy, w, uPrev, dx: new Float32Array(dx.length) },
          workgroups: matmulWorkgroups(batch, nIn),
        });
        close(out.dx, dx, 2e-6 * nOut);
      });
    }
  }
});

describe('element-wise kernels', () => {
  for (const count of [1, 255, 1000, 70_000]) {
    for (const act of ACTS) {
      it(`activationForward/Backward ${act}, ${count} elements`, async () => {
        const ctx = await testContext();
        const u = randomArray(count, count, -6, 6);
        const dz = randomArray(count + 1, count);
        const z = new Float32Array(count);
        const du = new Float32Array(count);
        cpu.activationForward(z, u, count, act, SLOPE);
        cpu.activationBackward(du, dz, u, count, act, SLOPE);
        const constants = { ACTIVATION: ACTIVATION_ID[act], SLOPE };
        const fwd = await runKernel(ctx, 'activationForward', {
          constants,
          uniforms: { params: { count } },
          buffers: { u, z: new Float32Array(count) },
          workgroups: elementwiseWorkgroups(count),
        });
        const bwd = await runKernel(ctx, 'activationBackward', {
          constants,
          uniforms: { params: { count } },
          buffers: { dz, u, du: new Float32Array(count) },
          workgroups: elementwiseWorkgroups(count),
        });
        close(fwd.z, z, 1e-6);
        close(bwd.du, du, 1e-6);
      });
    }
  }

  for (const [rows, cols] of [[1, 1], [3, 10], [100, 7], [257, 33]] as const) {
    it(`biasGrad and softmaxForward ${rows}×${cols}`, async () => {
      const ctx = await testContext();
      const dy = randomArray(rows, rows * cols);
      const db = new Float32Array(cols);
      cpu.biasGrad(db, dy, rows, cols);
      const bg = await runKernel(ctx, 'biasGrad', {
        uniforms: { params: { rows, cols } },
        buffers: { dy, db: new Float32Array(cols) },
        workgroups: perItemWorkgroups(cols),
      });
      close(bg.db, db, 2e-6 * rows);
      const u = randomArray(cols, rows * cols, -20, 20);
      const p = new Float32Array(rows * cols);
      cpu.softmaxForward(p, u, rows, cols);
      const sm = await runKernel(ctx, 'softmaxForward', {
        uniforms: { params: { rows, cols } },
        buffers: { u, p: new Float32Array(rows * cols) },
        workgroups: perItemWorkgroups(rows),
      });
      close(sm.p, p, 1e-6);
    });
  }

  it('gatherRows follows a permutation from a batch start', async () => {
    const ctx = await testContext();
    const rows = 37;
    const cols = 13;
    const total = 100;
    const src = randomArray(9, total * cols);
    const indices = new Uint32Array(total).map((_, i) => (i * 37 + 11) % total);
    const out = new Float32Array(rows * cols);
    cpu.gatherRows(out, src, indices, 50, rows, cols);
    const gpu = await runKernel(ctx, 'gatherRows', {
      uniforms: { params: { rows, cols }, step: { start: 50, slot: 0 } },
      buffers: { indices, src, out: new Float32Array(rows * cols) },
      workgroups: elementwiseWorkgroups(rows * cols),
    });
    expect(Array.from(gpu.out)).toEqual(Array.from(out));
  });

  for (const count of [1, 1000, 300_001]) {
    it(`sgdUpdate and momentumUpdate over ${count} parameters`, async () => {
      const ctx = await testContext();
      const w = randomArray(1, count);
      const g = randomArray(2, count);
      const m = randomArray(3, count);
      const lr = 0.05;
      const beta = 0.9;
      const w1 = w.slice();
      cpu.sgdUpdate(w1, g, count, lr);
      const sgd = await runKernel(ctx, 'sgdUpdate', {
        uniforms: { params: { count, lr } },
        buffers: { w, g },
        workgroups: elementwiseWorkgroups(count),
      });
      close(sgd.w, w1, 1e-6);
      const w2 = w.slice();
      const m2 = m.slice();
      cpu.momentumUpdate(w2, m2, g, count, lr, beta);
      const mom = await runKernel(ctx, 'momentumUpdate', {
        uniforms: { params: { count, lr, beta } },
        buffers: { w, m, g },
        workgroups: elementwiseWorkgroups(count),
      });
      close(mom.w, w2, 1e-6);
      close(mom.m, m2, 1e-6);
    });
  }
});

describe('loss kernels', () => {
  const shapes: [number, number][] = [[1, 1], [3, 10], [256, 10], [1000, 3]];
  for (const [rows, cols] of shapes) {
    for (const act of ACTS) {
      it(`mseLoss with ${act} output, ${rows}×${cols}`, async () => {
        const ctx = await testContext();
        const u = randomArray(rows, rows * cols, -3, 3);
        const z = new Float32Array(rows * cols);
        cpu.activationForward(z, u, rows * cols, act, SLOPE);
        const y = randomArray(cols, rows * cols);
        const du = new Float32Array(rows * cols);
        const loss = cpu.mseLoss(du, u, z, y, rows, cols, act, SLOPE);
        const out = await runKernel(ctx, 'mseLoss', {
          constants: { ACTIVATION: ACTIVATION_ID[act], SLOPE },
          uniforms: { params: { rows, cols }, step: { start: 0, slot: 1 } },
          buffers: { u, z, y, du: new Float32Array(du.length), loss: new Float32Array(2) },
          workgroups: SINGLE_WORKGROUP,
        });
        close(out.du, du, 1e-7);
        close([out.loss[1]], [loss], 1e-6);
      });
    }
    it(`softmaxCrossEntropy and sigmoidBce, ${rows}×${cols}`, async () => {
      const ctx = await testContext();
      const u = randomArray(rows + 5, rows * cols, -8, 8);
      const y = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) y[r * cols + ((r * 7) % cols)] = 1;
      const du = new Float32Array(rows * cols);
      const ce = cpu.softmaxCrossEntropy(du, u, y, rows, cols);
      const out = await runKernel(ctx, 'softmaxCrossEntropy', {
        uniforms: { params: { rows, cols }, step: { start: 0, slot: 0 } },
        buffers: { u, y, du: new Float32Array(du.length), loss: new Float32Array(1) },
        workgroups: SINGLE_WORKGROUP,
      });
      close(out.du, du, 1e-7);
      close(out.loss, [ce], 1e-6);
      const yb = randomArray(rows + 6, rows * cols, 0, 1);
      const dub = new Float32Array(rows * cols);
      const bce = cpu.sigmoidBce(dub, u, yb, rows, cols);
      const outb = await runKernel(ctx, 'sigmoidBce', {
        uniforms: { params: { rows, cols }, step: { start: 0, slot: 0 } },
        buffers: { u, y: yb, du: new Float32Array(dub.length), loss: new Float32Array(1) },
        workgroups: SINGLE_WORKGROUP,
      });
      close(outb.du, dub, 1e-7);
      close(outb.loss, [bce], 1e-6);
    });
  }
});

it('a kernel given wrong sizes is caught by the comparison (the test can fail)', async () => {
  const ctx = await testContext();
  const a = randomArray(1, 7 * 5);
  const b = randomArray(2, 5 * 9);
  const ref = new Float32Array(7 * 9);
  cpu.matmul(ref, a, b, 7, 9, 5, false, false);
  const out = await runKernel(ctx, 'matmul', {
    uniforms: { params: { M: 7, N: 9, K: 4 } },
    buffers: { a, b, c: new Float32Array(63) },
    workgroups: matmulWorkgroups(7, 9),
  });
  expect(worstExcess(out.c, ref, 1e-5, 1e-5)).toBeGreaterThan(0);
});

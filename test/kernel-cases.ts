// Every WGSL kernel against its CPU reference function (src/cpu), as a plain list of cases that run
// anywhere a GpuContext exists: test/gpu-kernels.test.ts runs them in Node (Dawn), and
// e2e/pages/kernels.ts runs the same list in Chromium (imported through Vite), with the same inputs
// and the same tolerances. This module imports only from src/: no vitest, no node: modules, no
// `webgpu`, so that a browser can load it.
//
// Shapes do and do not divide the 64×64 tile. Inputs are seeded uniform numbers in [−1, 1).
// Tolerances: matrix kernels |gpu − cpu| ≤ 2e-6·K + 1e-5·|cpu| (f32 sums of K products, both
// sides rounding differently); element-wise, optimizer and loss kernels ≤ 1e-6 + 1e-5·|cpu|; gatherRows
// and dropout are exact; convolution and layer norm state theirs in their sections.
import * as cpu from '../src/cpu';
import type { GpuContext } from '../src/gpu/context';
import { runKernel } from '../src/kernels/run';
import { uniformArray } from '../src/model/rng';
import {
  elementwiseWorkgroups,
  gradNormWorkgroups,
  matmulLaunch,
  optimizerWorkgroups,
  perItemWorkgroups,
  SINGLE_WORKGROUP,
  workgroupPerItemWorkgroups,
} from '../src/kernels/workgroups';
import { CORE_WORKGROUPS, DEFAULT_MATMUL, type MatmulConfig, type MatmulCore } from '../src/kernels/sources';
import { CPU_TWINS } from '../src/kernels/twins';
import { ACTIVATION_ID, type ElementwiseActivation } from '../src/types';

/**
 * Every matrix-product core is checked on every adapter, whichever the adapter would pick: CORES
 * at their default workgroup sides, with every case; OTHER_SIDES (the autotune's other choices)
 * with the transposes and activations training uses. A 'quad' case is skipped on a device whose
 * context reports no usable quads (ctx.quads), where that core cannot run.
 */
const CORES: MatmulConfig[] = (['shared', 'tiled', 'register', 'quad'] as MatmulCore[]).map((core) => DEFAULT_MATMUL[core]);
const OTHER_SIDES: MatmulConfig[] = (['register', 'quad'] as MatmulCore[]).flatMap((core) =>
  CORE_WORKGROUPS[core].filter((w) => w !== DEFAULT_MATMUL[core].workgroup).map((workgroup): MatmulConfig => ({ core, workgroup })),
);
const coreName = (c: MatmulConfig) => `${c.core} core${c.core === 'register' || c.core === 'quad' ? ` ${c.workgroup}×${c.workgroup}` : ''}`;

/** One comparison: every |actual[i] − expected[i]| must be ≤ atol + rtol·|expected[i]|. */
export interface Check {
  what: string;
  actual: ArrayLike<number>;
  expected: ArrayLike<number>;
  atol: number;
  rtol: number;
}

export interface CaseResult {
  checks: Check[];
}

export interface KernelCase {
  /** The describe block the Node test puts it in. */
  group: string;
  /** Unique across the list; the Node test's name for it. */
  name: string;
  /** Runs only where ctx.quads (the 'quad' matmul core); the runners report it skipped elsewhere. */
  needsQuads?: boolean;
  run(ctx: GpuContext): Promise<CaseResult>;
}

/** A check reduced to numbers (what a page sends back instead of the arrays). */
export interface CheckSummary {
  what: string;
  length: number;
  atol: number;
  rtol: number;
  /** worstExcess(actual, expected, atol, rtol): ≤ 0 passes; Infinity for NaN or a short output. */
  worstExcess: number;
  maxAbsDiff: number;
  pass: boolean;
}

/** Seeded uniform numbers in [lo, hi): tests must be reproducible. */
export function randomArray(seed: number, length: number, lo = -1, hi = 1): Float32Array {
  return uniformArray(seed, length, lo, hi);
}

/** Largest violation of |actual − expected| ≤ atol + rtol·|expected|; ≤ 0 means all within. */
export function worstExcess(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): number {
  if (actual.length < expected.length) return Infinity;
  let worst = -Infinity;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i] - expected[i]) - (atol + rtol * Math.abs(expected[i]));
    if (Number.isNaN(excess)) return Infinity;
    worst = Math.max(worst, excess);
  }
  return worst;
}

export function summarize(check: Check): CheckSummary {
  const worst = worstExcess(check.actual, check.expected, check.atol, check.rtol);
  let maxAbsDiff = 0;
  const n = Math.min(check.actual.length, check.expected.length);
  for (let i = 0; i < n; i++) {
    const d = Math.abs(check.actual[i] - check.expected[i]);
    maxAbsDiff = Number.isNaN(d) ? Infinity : Math.max(maxAbsDiff, d);
  }
  return {
    what: check.what,
    length: check.expected.length,
    atol: check.atol,
    rtol: check.rtol,
    worstExcess: worst,
    maxAbsDiff,
    pass: worst <= 0,
  };
}

const ACTS: ElementwiseActivation[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'];
const SLOPE = 0.1;
const RTOL = 1e-5;
const check = (what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol = RTOL): Check => ({
  what,
  actual,
  expected,
  atol,
  rtol,
});

const cases: KernelCase[] = [];
const add = (group: string, name: string, run: KernelCase['run'], core?: MatmulConfig) =>
  cases.push({ group, name, run, needsQuads: core?.core === 'quad' });

// ---- matmul -------------------------------------------------------------------------------------
const MATMUL_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 33, 6],
  [33, 7, 65],
  [64, 64, 16],
  [65, 130, 19],
  [257, 33, 100],
  [20, 40, 7],
];
for (const [m, n, k] of MATMUL_SHAPES) {
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      // Training runs NT (forward) and TN (weight gradients); NN (δ·W) is the dense_backward_input case.
      const trainingShape = transA !== transB || !transA;
      for (const core of [...CORES, ...(trainingShape ? OTHER_SIDES : [])]) {
      add('matmul', `C[${m},${n}] = A${transA ? 'ᵀ' : ''}·B${transB ? 'ᵀ' : ''}, K=${k}, ${coreName(core)}`, async (ctx) => {
        const a = randomArray(m * 131 + k, m * k);
        const b = randomArray(n * 17 + k, k * n);
        const launch = matmulLaunch(core, m, n, k);
        const ref = new Float32Array(m * n);
        cpu.matmul(ref, a, b, m, n, k, transA, transB);
        const out = await runKernel(ctx, 'matmul', {
          constants: { TRANS_A: transA, TRANS_B: transB, ...launch.constants },
          uniforms: { params: { M: m, N: n, K: k } },
          buffers: { a, b, c: new Float32Array(m * n).fill(NaN) },
          workgroups: launch.workgroups,
          matmulCore: launch.core,
        });
        return { checks: [check('c', out.c, ref, 2e-6 * k)] };
      }, core);
      }
    }
  }
}

// ---- dense layer kernels ------------------------------------------------------------------------
const DENSE_SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [7, 33, 5],
  [65, 17, 70],
  [130, 100, 10],
  [20, 12, 8],
];
for (const act of ACTS) {
  for (const [batch, nIn, nOut] of DENSE_SHAPES) {
    // The epilogues do not depend on the core: every activation with the default sides, the
    // training default (relu) and the no-activation cases with the other sides as well.
    for (const core of act === 'relu' || act === 'linear' ? [...CORES, ...OTHER_SIDES] : CORES) {
    add('dense layer kernels', `denseForward ${act} batch ${batch}, ${nIn}→${nOut}, ${coreName(core)}`, async (ctx) => {
      const x = randomArray(1, batch * nIn);
      const w = randomArray(2, nOut * nIn);
      const bias = randomArray(3, nOut);
      const u = new Float32Array(batch * nOut);
      const z = new Float32Array(batch * nOut);
      cpu.denseForward(u, z, x, w, bias, batch, nIn, nOut, act, SLOPE);
      const launch = matmulLaunch(core, batch, nOut, nIn);
      const out = await runKernel(ctx, 'denseForward', {
        constants: { ACTIVATION: ACTIVATION_ID[act], SLOPE, TRANS_B: true, ...launch.constants },
        uniforms: { params: { batch, nIn, nOut } },
        buffers: { x, w, bias, u: new Float32Array(u.length), z: new Float32Array(z.length) },
        workgroups: launch.workgroups,
        matmulCore: launch.core,
      });
      return { checks: [check('u', out.u, u, 2e-6 * nIn), check('z', out.z, z, 2e-6 * nIn)] };
    }, core);
    add('dense layer kernels', `denseBackwardInput ${act} batch ${batch}, ${nIn}→${nOut}, ${coreName(core)}`, async (ctx) => {
      const delta = randomArray(4, batch * nOut);
      const w = randomArray(5, nOut * nIn);
      const uPrev = randomArray(6, batch * nIn, -3, 3);
      const deltaPrev = new Float32Array(batch * nIn);
      cpu.denseBackwardInput(deltaPrev, delta, w, uPrev, batch, nIn, nOut, act, SLOPE);
      const launch = matmulLaunch(core, batch, nIn, nOut);
      const out = await runKernel(ctx, 'denseBackwardInput', {
        constants: { ACTIVATION: ACTIVATION_ID[act], SLOPE, ...launch.constants },
        uniforms: { params: { batch, nIn, nOut } },
        buffers: { delta, w, uPrev, deltaPrev: new Float32Array(deltaPrev.length) },
        workgroups: launch.workgroups,
        matmulCore: launch.core,
      });
      return { checks: [check('deltaPrev', out.deltaPrev, deltaPrev, 2e-6 * nOut)] };
    }, core);
    if (act === ACTS[0]) {
      // No activation in it: once per shape and core. The batch is the product's depth.
      add('dense layer kernels', `denseBackwardWeights batch ${batch}, ${nIn}→${nOut}, ${coreName(core)}`, async (ctx) => {
        const delta = randomArray(7, batch * nOut);
        const x = randomArray(8, batch * nIn);
        const dw = new Float32Array(nOut * nIn);
        const db = new Float32Array(nOut);
        cpu.denseBackwardWeights(dw, db, delta, x, batch, nIn, nOut);
        const launch = matmulLaunch(core, nOut, nIn, batch);
        const out = await runKernel(ctx, 'denseBackwardWeights', {
          constants: { TRANS_A: true, ROW_SUMS: true, ...launch.constants },
          uniforms: { params: { batch, nIn, nOut } },
          buffers: { delta, x, dw: new Float32Array(dw.length).fill(NaN), db: new Float32Array(nOut).fill(NaN) },
          workgroups: launch.workgroups,
          matmulCore: launch.core,
        });
        return { checks: [check('dw', out.dw, dw, 2e-6 * batch), check('db', out.db, db, 2e-6 * batch)] };
      }, core);
    }
    }
  }
}

// ---- element-wise kernels -----------------------------------------------------------------------
for (const count of [1, 255, 1000, 70_000]) {
  for (const act of ACTS) {
    add('element-wise kernels', `activationForward/Backward ${act}, ${count} elements`, async (ctx) => {
      const u = randomArray(count, count, -6, 6);
      const dz = randomArray(count + 1, count);
      const z = new Float32Array(count);
      const delta = new Float32Array(count);
      cpu.activationForward(z, u, count, act, SLOPE);
      cpu.activationBackward(delta, dz, u, count, act, SLOPE);
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
        buffers: { dz, u, delta: new Float32Array(count) },
        workgroups: elementwiseWorkgroups(count),
      });
      return { checks: [check('z', fwd.z, z, 1e-6), check('delta', bwd.delta, delta, 1e-6)] };
    });
  }
}

for (const [rows, cols] of [[1, 1], [3, 10], [100, 7], [257, 33]] as const) {
  add('element-wise kernels', `softmaxForward ${rows}×${cols}`, async (ctx) => {
    const u = randomArray(cols, rows * cols, -20, 20);
    const z = new Float32Array(rows * cols);
    cpu.softmaxForward(z, u, rows, cols);
    const sm = await runKernel(ctx, 'softmaxForward', {
      uniforms: { params: { rows, cols } },
      buffers: { u, z: new Float32Array(rows * cols) },
      workgroups: perItemWorkgroups(rows),
    });
    return { checks: [check('softmaxForward z', sm.z, z, 1e-6)] };
  });
}

// Both kernels with a full grid and with a few workgroups (as on a CPU adapter), so the grid-stride
// loop runs several times; the vec4 kernel gets the shapes whose rows are a multiple of 4.
const GATHER_CASES: [number, number, 'gatherRows' | 'gatherRowsVec4', number][] = [
  [37, 13, 'gatherRows', 4096],
  [3, 5000, 'gatherRows', 4096],
  [256, 10, 'gatherRows', 1],
  [37, 12, 'gatherRowsVec4', 4],
  [3, 5000, 'gatherRowsVec4', 4096],
  [256, 784, 'gatherRowsVec4', 16],
];
for (const [rows, cols, kernel, limit] of GATHER_CASES) {
add('element-wise kernels', `${kernel} follows a permutation from a batch start, ${rows}×${cols}, ≤ ${limit} workgroups`, async (ctx) => {
  const total = 300;
  const src = randomArray(9, total * cols);
  const indices = new Uint32Array(total).map((_, i) => (i * 37 + 11) % total);
  const out = new Float32Array(rows * cols);
  cpu.gatherRows(out, src, indices, 40, rows, cols);
  const gpu = await runKernel(ctx, kernel, {
    uniforms: { params: { rows, cols }, step: stepUniform({ start: 40, slot: 0 }) },
    buffers: { indices, src, out: new Float32Array(rows * cols) },
    workgroups: elementwiseWorkgroups(kernel === 'gatherRowsVec4' ? (rows * cols) / 4 : rows * cols, limit),
  });
  // A copy: exact.
  return { checks: [check('out', gpu.out, out, 0, 0)] };
});
}

for (const [count, limit, clip, weightDecay] of [
  [1, 4096, false, 0],
  [1000, 4096, false, 0],
  [300_001, 4096, false, 0],
  [300_001, 16, false, 0],
  [1001, 4096, true, 0.05],
] as const) {
  const variant = `${clip ? ', CLIP (scale 0.37)' : ''}${weightDecay ? `, weight decay ${weightDecay}` : ''}`;
  add('element-wise kernels', `sgdUpdate and momentumUpdate over ${count} parameters, ≤ ${limit} workgroups${variant}`, async (ctx) => {
    const w = padded(1, count);
    const g = padded(2, count);
    const m = padded(3, count);
    const lr = 0.05;
    const beta = 0.9;
    const w1 = w.slice();
    cpu.sgdUpdate(w1, g, count, lr, weightDecay, scaleUsed(clip));
    const sgd = await runKernel(ctx, 'sgdUpdate', {
      constants: { CLIP: clip },
      uniforms: { params: { count, weightDecay }, step: stepUniform({ lr }) },
      buffers: { w, g, scale: scaleBuffer(clip) },
      workgroups: optimizerWorkgroups(count, limit),
    });
    const w2 = w.slice();
    const m2 = m.slice();
    cpu.momentumUpdate(w2, m2, g, count, lr, beta, weightDecay, scaleUsed(clip));
    const mom = await runKernel(ctx, 'momentumUpdate', {
      constants: { CLIP: clip },
      uniforms: { params: { count, beta, weightDecay }, step: stepUniform({ lr }) },
      buffers: { w, m, g, scale: scaleBuffer(clip) },
      workgroups: optimizerWorkgroups(count, limit),
    });
    return {
      checks: [check('sgd w', sgd.w, w1, 1e-6), check('momentum w', mom.w, w2, 1e-6), check('momentum m', mom.m, m2, 1e-6)],
    };
  });
}

// ---- loss kernels -------------------------------------------------------------------------------
const LOSS_SHAPES: [number, number][] = [[1, 1], [3, 10], [256, 10], [1000, 3]];
for (const [rows, cols] of LOSS_SHAPES) {
  for (const act of ACTS) {
    add('loss kernels', `mseLoss with ${act} output, ${rows}×${cols}`, async (ctx) => {
      const u = randomArray(rows, rows * cols, -3, 3);
      const z = new Float32Array(rows * cols);
      cpu.activationForward(z, u, rows * cols, act, SLOPE);
      const y = randomArray(cols, rows * cols);
      const delta = new Float32Array(rows * cols);
      const loss = cpu.mseLoss(delta, u, z, y, rows, cols, act, SLOPE);
      const out = await runKernel(ctx, 'mseLoss', {
        constants: { ACTIVATION: ACTIVATION_ID[act], SLOPE },
        uniforms: { params: { rows, cols }, step: stepUniform({ start: 0, slot: 1 }) },
        buffers: { u, z, y, delta: new Float32Array(delta.length), loss: new Float32Array(2) },
        workgroups: SINGLE_WORKGROUP,
      });
      return { checks: [check('delta', out.delta, delta, 1e-7), check('loss (slot 1)', [out.loss[1]], [loss], 1e-6)] };
    });
  }
  add('loss kernels', `softmaxCrossEntropy and sigmoidBce, ${rows}×${cols}`, async (ctx) => {
    const u = randomArray(rows + 5, rows * cols, -8, 8);
    const y = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) y[r * cols + ((r * 7) % cols)] = 1;
    const delta = new Float32Array(rows * cols);
    const ce = cpu.softmaxCrossEntropy(delta, u, y, rows, cols);
    const out = await runKernel(ctx, 'softmaxCrossEntropy', {
      uniforms: { params: { rows, cols }, step: stepUniform({ start: 0, slot: 0 }) },
      buffers: { u, y, delta: new Float32Array(delta.length), loss: new Float32Array(1) },
      workgroups: SINGLE_WORKGROUP,
    });
    const yb = randomArray(rows + 6, rows * cols, 0, 1);
    const deltab = new Float32Array(rows * cols);
    const bce = cpu.sigmoidBce(deltab, u, yb, rows, cols);
    const outb = await runKernel(ctx, 'sigmoidBce', {
      uniforms: { params: { rows, cols }, step: stepUniform({ start: 0, slot: 0 }) },
      buffers: { u, y: yb, delta: new Float32Array(deltab.length), loss: new Float32Array(1) },
      workgroups: SINGLE_WORKGROUP,
    });
    return {
      checks: [
        check('softmaxCrossEntropy delta', out.delta, delta, 1e-7),
        check('softmaxCrossEntropy loss', out.loss, [ce], 1e-6),
        check('sigmoidBce delta', outb.delta, deltab, 1e-7),
        check('sigmoidBce loss', outb.loss, [bce], 1e-6),
      ],
    };
  });
}

// ---- optimizers (nesterov, adam/adamw, rmsprop, global-norm clipping) ----------------------------
// Counts that are not multiples of 4 run on buffers rounded up to one, zero-padded as the engines
// allocate them; the whole padded buffer is compared, so the padding must stay zero. State (m, v) on
// input is random and non-zero. Without CLIP the scale buffer holds 123 (it must be ignored); with
// it, 0.37. The twins compute in float64 and round once per stored value, the kernels in f32
// throughout: same tolerance as the element-wise kernels, 1e-6 + 1e-5·|cpu|, for Adam too. Adam's
// random state is a reachable one, v ≥ m² (v is an average of g², m of g), so |m|/√v ≤ 1 and the
// update stays near μ; with v ≪ m² (unreachable) the update can be 100× w, and its few-ulp f32
// rounding (sqrt, two divisions) would show in w − update beyond an atol of 1e-6.
/** `count` seeded numbers in [lo, hi), in a buffer rounded up to a multiple of 4 with zero padding. */
function padded(seed: number, count: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(Math.ceil(count / 4) * 4);
  out.set(randomArray(seed, count, lo, hi));
  return out;
}
/** A second moment Adam can reach with first moment m: v = m² + [0, 0.01), padding zero. */
function adamSecondMoment(m: Float32Array, count: number, seed: number): Float32Array {
  const v = padded(seed, count, 0, 0.01);
  for (let i = 0; i < count; i++) v[i] += m[i] * m[i];
  return v;
}
const OPT_COUNTS = [1, 7, 64, 1000, 4099];
interface OptVariant {
  label: string;
  clip: boolean;
  weightDecay: number;
}
const OPT_VARIANTS: OptVariant[] = [
  { label: 'plain', clip: false, weightDecay: 0 },
  { label: 'weight decay 0.05', clip: false, weightDecay: 0.05 },
  { label: 'CLIP (scale 0.37), weight decay 0.05', clip: true, weightDecay: 0.05 },
];
const scaleBuffer = (clip: boolean) => new Float32Array([clip ? 0.37 : 123]);
const scaleUsed = (clip: boolean) => (clip ? Math.fround(0.37) : 1);
const stepUniform = (values: { start?: number; slot?: number; lr?: number; stepSize?: number; bc2Sqrt?: number; decay?: number; counter?: number }) => ({
  start: values.start ?? 0,
  slot: values.slot ?? 0,
  lr: values.lr ?? 0,
  stepSize: values.stepSize ?? 0,
  bc2Sqrt: values.bc2Sqrt ?? 1,
  decay: values.decay ?? 1,
  counter: values.counter ?? 0,
});

for (const count of OPT_COUNTS) {
  for (const variant of OPT_VARIANTS) {
    const { clip, weightDecay } = variant;
    add('optimizers', `nesterovUpdate over ${count} parameters, ${variant.label}`, async (ctx) => {
      const w = padded(11, count);
      const m = padded(12, count, -0.1, 0.1);
      const g = padded(13, count);
      const lr = 0.05;
      const beta = 0.9;
      const w1 = w.slice();
      const m1 = m.slice();
      cpu.nesterovUpdate(w1, m1, g, count, lr, beta, weightDecay, scaleUsed(clip));
      const out = await runKernel(ctx, 'nesterovUpdate', {
        constants: { CLIP: clip },
        uniforms: { params: { count, beta, weightDecay }, step: stepUniform({ lr }) },
        buffers: { w, m, g, scale: scaleBuffer(clip) },
        workgroups: optimizerWorkgroups(count),
      });
      return { checks: [check('w', out.w, w1, 1e-6), check('m', out.m, m1, 1e-6)] };
    });
    add('optimizers', `rmspropUpdate over ${count} parameters, ${variant.label}`, async (ctx) => {
      const w = padded(21, count);
      const v = padded(22, count, 0, 1);
      const g = padded(23, count);
      const lr = 0.01;
      const rho = 0.99;
      const epsilon = 1e-8;
      const w1 = w.slice();
      const v1 = v.slice();
      cpu.rmspropUpdate(w1, v1, g, count, lr, rho, epsilon, weightDecay, scaleUsed(clip));
      const out = await runKernel(ctx, 'rmspropUpdate', {
        constants: { CLIP: clip },
        uniforms: { params: { count, rho, epsilon, weightDecay }, step: stepUniform({ lr }) },
        buffers: { w, v, g, scale: scaleBuffer(clip) },
        workgroups: optimizerWorkgroups(count),
      });
      return { checks: [check('w', out.w, w1, 1e-6), check('v', out.v, v1, 1e-6)] };
    });
    for (const decoupled of [false, true]) {
      const kind = decoupled ? 'AdamW (DECOUPLED)' : 'Adam';
      add('optimizers', `adamUpdate ${kind} over ${count} parameters, ${variant.label}, t = 1 and 1000, fresh state at t = 1`, async (ctx) => {
        const w = padded(31, count);
        const m0 = padded(32, count, -0.1, 0.1);
        const v0 = adamSecondMoment(m0, count, 33);
        const g = padded(34, count);
        const lr = 0.01;
        const beta1 = 0.9;
        const beta2 = 0.999;
        const epsilon = 1e-8;
        const checks: Check[] = [];
        const fresh = new Float32Array(w.length);
        // Random state at t = 1 and t = 1000, and the first step from zero state (t = 1).
        for (const [t, m, v, state] of [[1, m0, v0, 'random'], [1000, m0, v0, 'random'], [1, fresh, fresh, 'zero']] as const) {
          const s = cpu.adamStepScalars(lr, beta1, beta2, t, weightDecay);
          const [w1, m1, v1] = [w.slice(), m.slice(), v.slice()];
          cpu.adamUpdate(w1, m1, v1, g, count, s.stepSize, s.bc2Sqrt, beta1, beta2, epsilon, weightDecay, s.decay, decoupled, scaleUsed(clip));
          const out = await runKernel(ctx, 'adamUpdate', {
            constants: { CLIP: clip, DECOUPLED: decoupled },
            uniforms: { params: { count, beta1, beta2, epsilon, weightDecay }, step: stepUniform({ lr, ...s }) },
            buffers: { w, m, v, g, scale: scaleBuffer(clip) },
            workgroups: optimizerWorkgroups(count),
          });
          const at = `t=${t}, ${state} state`;
          checks.push(check(`w (${at})`, out.w, w1, 1e-6), check(`m (${at})`, out.m, m1, 1e-6), check(`v (${at})`, out.v, v1, 1e-6));
        }
        return { checks };
      });
    }
  }
}

/** grad_norm_partial then grad_norm_scale on the GPU (the partials go back in as the second's input). */
async function gpuGradNorm(ctx: GpuContext, g: Float32Array, count: number, maxNorm: number, limit?: number, quadsPerPart?: number) {
  const launch = gradNormWorkgroups(count, limit, quadsPerPart);
  const { partial } = await runKernel(ctx, 'gradNormPartial', {
    uniforms: { params: { count } },
    buffers: { g, partial: new Float32Array(launch.parts).fill(NaN) },
    workgroups: launch.workgroups,
  });
  const { scale } = await runKernel(ctx, 'gradNormScale', {
    uniforms: { params: { parts: launch.parts, maxNorm } },
    buffers: { partial, scale: new Float32Array([NaN]) },
    workgroups: SINGLE_WORKGROUP,
  });
  return { partial, scale, parts: launch.parts };
}

// The engines' grid (8192 quads a partial) and, to exercise many partials on small buffers, one
// partial per 256 quads (300,001 gradients: 256 partials, the most grad_norm_scale adds).
for (const [count, limit, quadsPerPart] of [[1, 256, 8192], [7, 256, 8192], [1000, 256, 8192], [4099, 256, 256], [300_001, 256, 8192], [300_001, 256, 256], [300_001, 3, 256]]) {
  add('optimizers', `gradNormPartial + gradNormScale over ${count} gradients, ≤ ${limit} partials of ${quadsPerPart} quads`, async (ctx) => {
    const g = padded(41 + count, count);
    let squares = 0;
    for (let i = 0; i < count; i++) squares += g[i] * g[i];
    const norm = Math.sqrt(squares);
    const checks: Check[] = [];
    // maxNorm below the norm clips (factor ≈ 0.5); above it the factor is exactly 1.
    for (const maxNorm of [0.5 * norm, 2 * norm]) {
      const { partial, scale, parts } = await gpuGradNorm(ctx, g, count, maxNorm, limit, quadsPerPart);
      const total = partial.reduce((a, b) => a + b, 0);
      checks.push(
        check(`Σ of ${parts} partials, maxNorm ${maxNorm.toFixed(3)}`, [total], [squares], 1e-6),
        check(`scale, maxNorm ${maxNorm.toFixed(3)}`, scale, [cpu.gradNormScale(g, count, maxNorm)], 1e-6),
      );
    }
    return { checks };
  });
}

add('optimizers', 'clip chain: gradNormPartial → gradNormScale → adamUpdate with CLIP on the GPU scale, 4099 parameters', async (ctx) => {
  const count = 4099;
  const w = padded(51, count);
  const m = padded(52, count, -0.1, 0.1);
  const v = adamSecondMoment(m, count, 53);
  const g = padded(54, count);
  const [lr, beta1, beta2, epsilon, weightDecay, maxNorm] = [0.001, 0.9, 0.999, 1e-8, 0.01, 5];
  const { scale } = await gpuGradNorm(ctx, g, count, maxNorm);
  const s = cpu.adamStepScalars(lr, beta1, beta2, 3, weightDecay);
  const factor = cpu.gradNormScale(g, count, maxNorm);
  const [w1, m1, v1] = [w.slice(), m.slice(), v.slice()];
  cpu.adamUpdate(w1, m1, v1, g, count, s.stepSize, s.bc2Sqrt, beta1, beta2, epsilon, weightDecay, s.decay, false, factor);
  const out = await runKernel(ctx, 'adamUpdate', {
    constants: { CLIP: true },
    uniforms: { params: { count, beta1, beta2, epsilon, weightDecay }, step: stepUniform({ lr, ...s }) },
    buffers: { w, m, v, g, scale },
    workgroups: optimizerWorkgroups(count),
  });
  return { checks: [check('scale < 1', [scale[0] < 1 ? 1 : 0], [1], 0, 0), check('w', out.w, w1, 1e-6), check('m', out.m, m1, 1e-6), check('v', out.v, v1, 1e-6)] };
});

// ---- convolution --------------------------------------------------------------------------------
// Pooling kernels against their twins (max_pool2d.ts, avg_pool2d.ts), NCHW, one invocation per
// output (or input) element on the elementwiseWorkgroups grid; convolution runs as implicit GEMM
// (im2col, conv2dGemmForward, the dense matmul kernels, col2im), each case below. (The direct
// conv2d kernels of session 4 were removed in session 6 for the bundle budget; their CPU functions
// stay as the references of test/cnn-gradcheck.test.ts.) Tolerances: sums of K terms
// |gpu − cpu| ≤ 2e-6·K + 1e-5·|cpu|, with K = kh·kw (average pooling forward), the windows covering one input (pooling backward);
// max pooling's y and argmax are exact. Inputs are seeded uniform numbers in [−1, 1), so ties in
// max pooling are (almost surely) absent except in the dedicated tie case.

// Implicit GEMM's data movement (im2col, col2im, transposeBatched) against src/cpu/im2col.ts: im2col
// and the transpose are copies (exact); col2im sums at most kh·kw terms (2e-6·kh·kw). Awkward
// shapes: odd sizes, strides 2 and 3, padding, non-square kernels, 1/3/5 channels, batch 1 and 67;
// `limit` 1 runs on one workgroup, so every invocation strides over many elements.
/** [batch, inC, inH, inW, kh, kw, sh, sw, ph, pw, limit] */
const IM2COL_SHAPES: [number, number, number, number, number, number, number, number, number, number, number?][] = [
  [1, 1, 5, 7, 3, 3, 1, 1, 0, 0],
  [67, 3, 9, 7, 3, 2, 2, 1, 1, 0],
  [3, 5, 11, 13, 5, 3, 2, 2, 2, 1, 1],
  [2, 3, 7, 6, 1, 4, 3, 2, 0, 2],
  [5, 1, 28, 28, 5, 5, 1, 1, 2, 2, 1],
];
for (const [batch, inC, inH, inW, kh, kw, sh, sw, ph, pw, limit] of IM2COL_SHAPES) {
  const outH = cpu.convOutputSize(inH, kh, sh, ph);
  const outW = cpu.convOutputSize(inW, kw, sw, pw);
  const g = { batch, inC, inH, inW, kh, kw, sh, sw, ph, pw };
  const params = { ...g, outH, outW };
  const shape = `x [${batch},${inC},${inH},${inW}], kernel ${kh}×${kw}, stride ${sh}×${sw}, padding ${ph}×${pw}${limit ? ', one workgroup (grid-stride)' : ''}`;
  add('convolution', `im2col, col2im and transposeBatched: ${shape}`, async (ctx) => {
    const seed = 9100 + batch * 1000 + inC * 100 + inH * 10 + inW + kh * 3 + kw;
    const [rows, depth] = [batch * outH * outW, inC * kh * kw];
    const x = randomArray(seed, batch * inC * inH * inW);
    const dcols = randomArray(seed + 1, rows * depth);
    const [cols, dx] = [new Float32Array(rows * depth), new Float32Array(x.length)];
    cpu.im2col(cols, x, g);
    cpu.col2im(dx, dcols, g);
    // Transposes of the cols matrix as batch · [outH·outW, depth] and back.
    const pixels = outH * outW;
    const t = new Float32Array(cols.length);
    cpu.transposeBatched(t, dcols, batch, pixels, depth);
    const ic = await runKernel(ctx, 'im2col', {
      uniforms: { params },
      buffers: { x, cols: new Float32Array(cols.length).fill(NaN) },
      workgroups: elementwiseWorkgroups(cols.length, limit),
    });
    const ci = await runKernel(ctx, 'col2im', {
      uniforms: { params },
      buffers: { dcols, dx: new Float32Array(dx.length).fill(NaN) },
      workgroups: elementwiseWorkgroups(dx.length, limit),
    });
    const tr = await runKernel(ctx, 'transposeBatched', {
      uniforms: { params: { batch, rows: pixels, cols: depth } },
      buffers: { src: dcols, out: new Float32Array(t.length).fill(NaN) },
      workgroups: elementwiseWorkgroups(t.length, limit),
    });
    return { checks: [check('cols', ic.cols, cols, 0, 0), check('dx', ci.dx, dx, 2e-6 * kh * kw), check('transposed', tr.out, t, 0, 0)] };
  });
}

/** [batch, channels, inH, inW, kh, kw, sh, sw] */
const POOL_SHAPES: [number, number, number, number, number, number, number, number][] = [
  [1, 1, 5, 5, 2, 2, 2, 2],
  [5, 3, 7, 9, 3, 3, 2, 2],
  [2, 5, 6, 7, 2, 3, 1, 2],
  [5, 1, 9, 6, 3, 1, 2, 1],
  [3, 2, 7, 8, 2, 2, 3, 3],
  [1, 3, 1, 5, 1, 3, 1, 1],
  [3, 2, 6, 8, 2, 2, 2, 2], // windows tile the input: the TILED path too
];
/** Max then average pooling, forward and backward; `ties` rounds x to multiples of 0.5 (many equal maxima). */
function addPoolCase([batch, channels, inH, inW, kh, kw, sh, sw]: number[], ties: boolean, limit?: number) {
  const outH = cpu.convOutputSize(inH, kh, sh, 0);
  const outW = cpu.convOutputSize(inW, kw, sw, 0);
  const params = { batch, channels, inH, inW, kh, kw, sh, sw, outH, outW };
  const shape = `x [${batch},${channels},${inH},${inW}], window ${kh}×${kw}, stride ${sh}×${sw}${limit ? ', one workgroup (grid-stride)' : ''}`;
  const name = ties ? `max pooling with ties (first maximum wins), ${shape}` : `max and average pooling, forward and backward: ${shape}`;
  add('convolution', name, async (ctx) => {
    const seed = 7000 + batch * 1000 + channels * 100 + inH * 10 + inW + kh * 3 + kw + (ties ? 1 : 0);
    const inLen = batch * channels * inH * inW;
    const outLen = batch * channels * outH * outW;
    const x = randomArray(seed, inLen);
    if (ties) for (let i = 0; i < inLen; i++) x[i] = Math.round(x[i] * 2) / 2;
    const delta = randomArray(seed + 1, outLen);
    const y = new Float32Array(outLen);
    const argmax = new Uint32Array(outLen);
    const dx = new Float32Array(inLen);
    cpu.maxPool2dForward(y, argmax, x, batch, channels, inH, inW, kh, kw, sh, sw);
    cpu.maxPool2dBackward(dx, delta, argmax, batch, channels, inH, inW, kh, kw, sh, sw);
    // At most ceil(kh/sh)·ceil(kw/sw) windows hold one input.
    const covering = Math.ceil(kh / sh) * Math.ceil(kw / sw);
    const mf = await runKernel(ctx, 'maxPool2dForward', {
      uniforms: { params },
      buffers: { x, y: new Float32Array(outLen).fill(NaN), argmax: new Uint32Array(outLen).fill(0xffffffff) },
      workgroups: elementwiseWorkgroups(outLen, limit),
    });
    // The twin's indices go in, so ∂X is checked on its own (the forward's are compared above).
    const mb = await runKernel(ctx, 'maxPool2dBackward', {
      uniforms: { params },
      buffers: { delta, argmax, dx: new Float32Array(inLen).fill(NaN) },
      workgroups: elementwiseWorkgroups(inLen, limit),
    });
    // Windows that tile the input exactly also run the kernel's TILED path (one invocation per window).
    const tiled = sh === kh && sw === kw && inH === outH * kh && inW === outW * kw;
    const mt = tiled
      ? await runKernel(ctx, 'maxPool2dBackward', {
          constants: { TILED: true },
          uniforms: { params },
          buffers: { delta, argmax, dx: new Float32Array(inLen).fill(NaN) },
          workgroups: elementwiseWorkgroups(outLen, limit),
        })
      : null;
    const checks: Check[] = [
      ...(mt ? [check('max dx (TILED)', mt.dx, dx, 0, 0)] : []),
      check('max y', mf.y, y, 0, 0),
      check('max argmax', new Uint32Array(mf.argmax.buffer, mf.argmax.byteOffset, outLen), argmax, 0, 0),
      check('max dx', mb.dx, dx, 2e-6 * covering),
    ];
    if (ties) {
      let tied = 0;
      for (let o = 0; o < outLen; o++) {
        const p = Math.floor(o / (outH * outW));
        const [i, j] = [Math.floor((o % (outH * outW)) / outW), o % outW];
        let equal = 0;
        for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) if (x[p * inH * inW + (i * sh + a) * inW + j * sw + b] === y[o]) equal++;
        if (equal > 1) tied++;
      }
      checks.push(check('windows with a tied maximum > outputs / 4', [tied > outLen / 4 ? 1 : 0], [1], 0, 0));
      return { checks };
    }
    const ay = new Float32Array(outLen);
    const adx = new Float32Array(inLen);
    cpu.avgPool2dForward(ay, x, batch, channels, inH, inW, kh, kw, sh, sw);
    cpu.avgPool2dBackward(adx, delta, batch, channels, inH, inW, kh, kw, sh, sw);
    const af = await runKernel(ctx, 'avgPool2dForward', {
      uniforms: { params },
      buffers: { x, y: new Float32Array(outLen).fill(NaN) },
      workgroups: elementwiseWorkgroups(outLen, limit),
    });
    const ab = await runKernel(ctx, 'avgPool2dBackward', {
      uniforms: { params },
      buffers: { delta, dx: new Float32Array(inLen).fill(NaN) },
      workgroups: elementwiseWorkgroups(inLen, limit),
    });
    checks.push(check('avg y', af.y, ay, 2e-6 * kh * kw), check('avg dx', ab.dx, adx, 2e-6 * covering));
    return { checks };
  });
}
// The second shape runs on one workgroup (its backward kernels stride over 945 inputs).
for (const [index, shape] of POOL_SHAPES.entries()) addPoolCase(shape, false, index === 1 ? 1 : undefined);
addPoolCase([2, 3, 7, 8, 3, 3, 1, 1], true);
addPoolCase([1, 2, 6, 9, 2, 3, 2, 2], true);
addPoolCase([2, 2, 6, 8, 2, 2, 2, 2], true); // ties where the windows tile the input (TILED)

// ---- dropout and layer norm ---------------------------------------------------------------------
// Here the CPU side runs through CPU_TWINS (src/kernels/twins.ts: the CPU engine's interpreter)
// with the very tensors, params and step values the GPU run gets, so the twins' binding names and
// argument order are checked along with the kernels.
// dropoutForward draws its mask on the GPU from a counter-based hash (lib/random.wgsl) of the model
// seed, the layer, step.counter and the element's index; its twin (dropoutForwardHashed) hashes the
// same integers, so mask, y and ∂x must be bit-identical (tolerance 0): the products x·1·scale and
// x·0 round once on both sides. Rates 0 (threshold 0: all kept), 0.5 and 0.9. The step uniform's
// other fields are non-zero so a misplaced counter would show. On 200,003 elements the kept share
// must lie within 6σ = 6·sqrt(r(1 − r)/n) of 1 − r (the hash is fixed, so this is not flaky).
const DROPOUT_RATES = [0, 0.5, 0.9];
const DROPOUT_CASES: { count: number; seed: number; layer: number; counter: number; limit?: number; share?: boolean }[] = [
  { count: 1, seed: 0, layer: 0, counter: 0 },
  { count: 7, seed: 17, layer: 1, counter: 3 },
  { count: 4099, seed: 0x9e3779b9, layer: 2, counter: 123_457 },
  { count: 4099, seed: 5, layer: 3, counter: 0xfffffffe, limit: 1 },
  { count: 200_003, seed: 2024, layer: 1, counter: 99, share: true },
];
for (const { count, seed, layer, counter, limit, share } of DROPOUT_CASES) {
  const label = `seed ${seed}, layer ${layer}, counter ${counter}${limit ? `, ≤ ${limit} workgroup (grid-stride)` : ''}`;
  add('dropout and layer norm', `dropoutForward/Backward, ${count} elements, rates ${DROPOUT_RATES.join(', ')}, ${label}`, async (ctx) => {
    const x = randomArray(300 + count, count);
    const delta = randomArray(301 + count, count);
    const checks: Check[] = [];
    // A second counter as well: the GPU must read step.counter, not only the params.
    for (const [rate, stepCounter] of [...DROPOUT_RATES.map((r) => [r, counter]), [0.5, counter + 1]]) {
      const threshold = cpu.dropoutThreshold(rate);
      const scale = cpu.dropoutScale(rate);
      const [y, mask, dx] = [new Float32Array(count), new Float32Array(count), new Float32Array(count)];
      const step = stepUniform({ start: 5, slot: 1, lr: 0.5, stepSize: 0.25, counter: stepCounter });
      CPU_TWINS.dropoutForward!({ x, y, mask }, { count, threshold, scale, seed, layer }, {}, step);
      CPU_TWINS.dropoutBackward!({ delta, mask, dx }, { count, scale }, {}, step);
      const fwd = await runKernel(ctx, 'dropoutForward', {
        uniforms: { params: { count, threshold, scale, seed, layer }, step },
        buffers: { x, y: new Float32Array(count).fill(NaN), mask: new Float32Array(count).fill(NaN) },
        workgroups: elementwiseWorkgroups(count, limit),
      });
      const bwd = await runKernel(ctx, 'dropoutBackward', {
        uniforms: { params: { count, scale } },
        buffers: { delta, mask: fwd.mask, dx: new Float32Array(count).fill(NaN) },
        workgroups: elementwiseWorkgroups(count, limit),
      });
      const at = `rate ${rate}, counter ${stepCounter}`;
      checks.push(check(`mask (${at})`, fwd.mask, mask, 0, 0), check(`y (${at})`, fwd.y, y, 0, 0), check(`dx (${at})`, bwd.dx, dx, 0, 0));
      if (share && rate > 0) {
        const kept = fwd.mask.reduce((a, b) => a + b, 0) / count;
        checks.push(check(`kept share (${at})`, [kept], [1 - rate], 6 * Math.sqrt((rate * (1 - rate)) / count), 0));
      }
    }
    return { checks };
  });
}

// randomShift (augmentation): each image of the batch moved by an offset drawn from the dropout
// hash of (seed, layer, step.counter, image), zero fill; sign −1 is the adjoint (backward). The
// kernel copies values, so the GPU must match the twin (run through CPU_TWINS) bit for bit, forward
// and backward, and must read step.counter (a second counter is checked too). Shapes: batch 1 and
// 67, 1/3/5 channels, odd sizes, bounds 0 on one axis, and one ≤ 1-workgroup grid-stride case.
const SHIFT_CASES: { rows: number; channels: number; height: number; width: number; maxY: number; maxX: number; limit?: number }[] = [
  { rows: 1, channels: 1, height: 3, width: 3, maxY: 1, maxX: 1 },
  { rows: 67, channels: 3, height: 7, width: 5, maxY: 2, maxX: 0 },
  { rows: 9, channels: 5, height: 11, width: 13, maxY: 3, maxX: 4, limit: 1 },
  { rows: 64, channels: 1, height: 28, width: 28, maxY: 2, maxX: 2 },
];
for (const { rows, channels, height, width, maxY, maxX, limit } of SHIFT_CASES) {
  const count = rows * channels * height * width;
  const label = `${rows}×${channels}×${height}×${width}, maxShift [${maxY}, ${maxX}]${limit ? `, ≤ ${limit} workgroup (grid-stride)` : ''}`;
  add('dropout and layer norm', `randomShift forward and adjoint, ${label}`, async (ctx) => {
    const x = randomArray(700 + count, count);
    const checks: Check[] = [];
    for (const [sign, counter] of [[1, 41], [-1, 41], [1, 42]]) {
      const params = { count, channels, height, width, maxY, maxX, sign, seed: 77, layer: 2 };
      const step = stepUniform({ start: 5, slot: 1, lr: 0.5, stepSize: 0.25, counter });
      const y = new Float32Array(count);
      CPU_TWINS.randomShift!({ x, y }, params, {}, step);
      const gpu = await runKernel(ctx, 'randomShift', {
        uniforms: { params, step },
        buffers: { x, y: new Float32Array(count).fill(NaN) },
        workgroups: elementwiseWorkgroups(count, limit),
      });
      checks.push(check(`y (sign ${sign}, counter ${counter})`, gpu.y, y, 0, 0));
    }
    return { checks };
  });
}

// Layer norm over rows of `features` values: one workgroup of 64 per row (forward, ∂x), one
// invocation per feature (∂γ, ∂β). x in [−2, 3) (a non-zero mean: the variance is two-pass), γ, β,
// ∂y in [−1, 1). The backward kernels get the twin's mean and rstd, so each kernel is checked on
// its own. The twins sum in float64 in index order, the kernels in f32 in a tree (rows in order
// for ∂γ, ∂β). Tolerances, with R = max rstd of the case (1/sqrt(ε) ≈ 316 when features = 1):
// mean 1e-6 + 1e-5·|cpu|; rstd 1e-5·|cpu|; y 1e-6·(1 + R) + 1e-5·|cpu| (x − mean carries the
// mean's rounding, times rstd); ∂x 2e-6·R·(1 + features/64) + 1e-5·|cpu|; ∂γ, ∂β 2e-6·rows·(1 + R/4)
// + 1e-5·|cpu| (sums of rows terms, each |∂y·x̂| ≲ |x̂|).
const LAYER_NORM_CASES: [number, number, number?][] = [
  [1, 1],
  [1, 3],
  [1, 5],
  [1, 130],
  [67, 1],
  [67, 3],
  [67, 5],
  [67, 130],
  [67, 300, 1],
];
for (const [rows, features, limit] of LAYER_NORM_CASES) {
  const label = `rows ${rows}, features ${features}${limit ? `, ≤ ${limit} workgroup (workgroups stride over rows, invocations over features)` : ''}`;
  add('dropout and layer norm', `layerNormForward, BackwardInput and BackwardParams, ${label}`, async (ctx) => {
    const n = rows * features;
    const epsilon = 1e-5;
    const x = randomArray(400 + n, n, -2, 3);
    const gamma = randomArray(401 + features, features);
    const beta = randomArray(402 + features, features);
    const dy = randomArray(403 + n, n);
    const [y, mean, rstd] = [new Float32Array(n), new Float32Array(rows), new Float32Array(rows)];
    const step = stepUniform({});
    CPU_TWINS.layerNormForward!({ x, gamma, beta, y, mean, rstd }, { rows, features, epsilon }, {}, step);
    const [dx, dgamma, dbeta] = [new Float32Array(n), new Float32Array(features), new Float32Array(features)];
    CPU_TWINS.layerNormBackwardInput!({ dy, x, gamma, mean, rstd, dx }, { rows, features }, {}, step);
    CPU_TWINS.layerNormBackwardParams!({ dy, x, mean, rstd, dgamma, dbeta }, { rows, features }, {}, step);
    const fwd = await runKernel(ctx, 'layerNormForward', {
      uniforms: { params: { rows, features, epsilon } },
      buffers: { x, gamma, beta, y: new Float32Array(n).fill(NaN), mean: new Float32Array(rows).fill(NaN), rstd: new Float32Array(rows).fill(NaN) },
      workgroups: workgroupPerItemWorkgroups(rows, limit),
    });
    const bin = await runKernel(ctx, 'layerNormBackwardInput', {
      uniforms: { params: { rows, features } },
      buffers: { dy, x, gamma, mean, rstd, dx: new Float32Array(n).fill(NaN) },
      workgroups: workgroupPerItemWorkgroups(rows, limit),
    });
    const bp = await runKernel(ctx, 'layerNormBackwardParams', {
      uniforms: { params: { rows, features } },
      buffers: { dy, x, mean, rstd, dgamma: new Float32Array(features).fill(NaN), dbeta: new Float32Array(features).fill(NaN) },
      workgroups: elementwiseWorkgroups(features, limit),
    });
    const R = rstd.reduce((a, b) => Math.max(a, b), 0);
    return {
      checks: [
        check('mean', fwd.mean, mean, 1e-6),
        check('rstd', fwd.rstd, rstd, 0),
        check('y', fwd.y, y, 1e-6 * (1 + R)),
        check('dx', bin.dx, dx, 2e-6 * R * (1 + features / 64)),
        check('dgamma', bp.dgamma, dgamma, 2e-6 * rows * (1 + R / 4)),
        check('dbeta', bp.dbeta, dbeta, 2e-6 * rows),
      ],
    };
  });
}

// ---- conv2d's forward GEMM, stored NCHW -------------------------------------------------------------
// conv2dGemmForward against its twin (the dense forward then a per-sample transpose): U and Z, sums
// of nIn + 1 terms (2e-6·(nIn + 1)), with the context's matmul core; K not a multiple of 4, one and
// several samples, filters below and above one 16-wide block.
for (const [rows, pixels, nIn, nOut, act] of [[3, 7, 25, 8, 'relu'], [1, 16, 12, 20, 'tanh'], [5, 9, 200, 16, 'linear']] as const) {
  add('convolution', `conv2dGemmForward: ${rows} samples × ${pixels} pixels, ${nIn}→${nOut}, ${act}, NCHW store`, async (ctx) => {
    const m = rows * pixels;
    const x = randomArray(m + 3, m * nIn);
    const w = randomArray(nIn + 5, nOut * nIn);
    const bias = randomArray(nOut + 7, nOut);
    const u = new Float32Array(m * nOut);
    const z = new Float32Array(m * nOut);
    cpu.conv2dGemmForward(u, z, x, w, bias, m, nIn, nOut, pixels, act, 0.01);
    const launch = matmulLaunch(ctx.matmul, m, nOut, nIn);
    const out = await runKernel(ctx, 'conv2dGemmForward', {
      constants: { ACTIVATION: ACTIVATION_ID[act], SLOPE: 0, TRANS_B: true, ...launch.constants },
      uniforms: { params: { batch: m, nIn, nOut, pixels } },
      buffers: { x, w, bias, u: new Float32Array(u.length).fill(NaN), z: new Float32Array(z.length).fill(NaN) },
      workgroups: launch.workgroups,
      matmulCore: launch.core,
    });
    return { checks: [check('u', out.u, u, 2e-6 * (nIn + 1)), check('z', out.z, z, 2e-6 * (nIn + 1))] };
  });
}

// ---- split-K weight gradient (conv2d's ∂W) ---------------------------------------------------------
// denseBackwardWeightsSplit's parts against the twin, chunk by chunk (each part a sum of ≤ chunk
// terms: 2e-6·chunk), then sumParts adding them (2e-6·parts·|max part| + 1e-5·|cpu|); the
// context's own matmul core, short last chunk, K not a multiple of 4.
for (const [rows, chunk, nIn, nOut] of [[37, 8, 25, 8], [1000, 132, 5, 3], [64, 64, 18, 20]]) {
  add('convolution', `split-K weight gradient: ${rows} rows in chunks of ${chunk}, ${nIn}→${nOut}, then sumParts`, async (ctx) => {
    const parts = Math.ceil(rows / chunk);
    const partStride = Math.ceil((nIn * nOut) / 64) * 64;
    const biasStride = Math.ceil(nOut / 64) * 64;
    const delta = randomArray(rows + 1, rows * nOut);
    const x = randomArray(rows + 2, rows * nIn);
    const dwParts = new Float32Array(parts * partStride);
    const dbParts = new Float32Array(parts * biasStride);
    cpu.denseBackwardWeightsSplit(dwParts, dbParts, delta, x, rows, chunk, nIn, nOut, partStride, biasStride);
    // K_TAIL from the last chunk when it is short of a multiple of 4 (as src/layers/conv2d.ts does).
    const last = rows - (parts - 1) * chunk;
    const launch = matmulLaunch(ctx.matmul, nOut, nIn, last % 4 ? last : chunk);
    const out = await runKernel(ctx, 'denseBackwardWeightsSplit', {
      constants: { TRANS_A: true, ROW_SUMS: true, ...launch.constants },
      uniforms: { params: { rows, chunk, nIn, nOut, partStride, biasStride } },
      buffers: { delta, x, dwParts: new Float32Array(dwParts.length), dbParts: new Float32Array(dbParts.length) },
      workgroups: [launch.workgroups[0], launch.workgroups[1], parts],
      matmulCore: launch.core,
    });
    const dw = new Float32Array(nIn * nOut);
    cpu.sumParts(dw, dwParts, nIn * nOut, parts, partStride);
    const summed = await runKernel(ctx, 'sumParts', {
      uniforms: { params: { count: nIn * nOut, parts, stride: partStride } },
      buffers: { src: dwParts, out: new Float32Array(nIn * nOut).fill(NaN) },
      workgroups: elementwiseWorkgroups(nIn * nOut),
    });
    const whole = new Float32Array(nIn * nOut);
    cpu.denseBackwardWeights(whole, new Float32Array(nOut), delta, x, rows, nIn, nOut);
    return {
      checks: [
        check('dwParts', out.dwParts, dwParts, 2e-6 * chunk),
        check('dbParts', out.dbParts, dbParts, 2e-6 * chunk),
        check('sumParts', summed.out, dw, 2e-6 * parts),
        check('parts add up to the whole ∂W', dw, whole, 2e-6 * rows),
      ],
    };
  });
}

/** Every kernel case, in a fixed order; names are unique. */
export const KERNEL_CASES: readonly KernelCase[] = cases;

/**
 * The negative control: matmul told K=4 for a K=5 product. Its check must FAIL, which shows that
 * a wrong kernel result is caught by the comparison (a harness that always passes would not).
 */
export const MUST_FAIL_CASE: KernelCase = {
  group: 'negative control',
  name: 'a kernel given wrong sizes is caught by the comparison (the test can fail)',
  async run(ctx) {
    const a = randomArray(1, 7 * 5);
    const b = randomArray(2, 5 * 9);
    const ref = new Float32Array(7 * 9);
    cpu.matmul(ref, a, b, 7, 9, 5, false, false);
    const launch = matmulLaunch(ctx.matmul, 7, 9, 4);
    const out = await runKernel(ctx, 'matmul', {
      constants: launch.constants,
      uniforms: { params: { M: 7, N: 9, K: 4 } },
      buffers: { a, b, c: new Float32Array(63) },
      workgroups: launch.workgroups,
      matmulCore: launch.core,
    });
    return { checks: [check('c', out.c, ref, 1e-5, 1e-5)] };
  },
};

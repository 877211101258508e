/**
 * The CPU reference held against finite differences (float64) and against hand-worked numbers.
 * Every backward formula is checked against central differences of the matching forward/loss, so a
 * wrong sign, factor or transpose in src/cpu fails here, independently of the GPU kernels.
 */
import { describe, it, expect } from 'vitest';
import type { ElementwiseActivation, FloatArray, LossName } from '../src/types';
import {
  activationBackward,
  activationForward,
  biasGrad,
  denseBackwardInput,
  denseForward,
  gatherRows,
  matmul,
  momentumUpdate,
  mseLoss,
  sgdUpdate,
  sigmoidBce,
  softmaxCrossEntropy,
  softmaxForward,
} from '../src/cpu';
import { mulberry32, uniformArray } from './helpers/random';

// ---------------------------------------------------------------------------------------------
// Helpers written here or in test/helpers, not imported from src, so the test shares nothing with the code under test.


/** Central-difference step and tolerance for every gradient comparison in this file. */
const FD_STEP = 1e-6;
/**
 * Tolerance: |analytic − numeric| ≤ 1e-6 + 1e-5·|numeric|. In float64 the central difference with
 * h = 1e-6 has truncation error ~h²·f''' ≈ 1e-12 and rounding error ~ε·|L|/h ≈ 1e-10, far inside it,
 * while a 1% error in a gradient of size ≳ 1e-4 lands outside it (see the "can fail" test).
 */
const ABS_TOL = 1e-6;
const REL_TOL = 1e-5;

function gradClose(analytic: number, numeric: number): boolean {
  return Math.abs(analytic - numeric) <= ABS_TOL + REL_TOL * Math.abs(numeric);
}

interface GradComparison {
  ok: boolean;
  worst: string;
}

/** Compares two gradient arrays element by element; `ok` is false if any element is off. */
function compareGradients(name: string, analytic: ArrayLike<number>, numeric: ArrayLike<number>): GradComparison {
  if (analytic.length !== numeric.length) return { ok: false, worst: `${name}: length mismatch` };
  let ok = true;
  let worstExcess = -Infinity;
  let worst = `${name}: empty`;
  for (let i = 0; i < numeric.length; i++) {
    const a = analytic[i];
    const n = numeric[i];
    const excess = Math.abs(a - n) - (ABS_TOL + REL_TOL * Math.abs(n));
    if (!gradClose(a, n) || Number.isNaN(a)) ok = false;
    if (excess > worstExcess || Number.isNaN(excess)) {
      worstExcess = excess;
      worst = `${name}[${i}]: analytic ${a}, numeric ${n}`;
    }
  }
  return { ok, worst };
}

/** Central differences of loss() w.r.t. every element of `param`, perturbing it in place. */
function numericGradient(param: Float64Array, loss: () => number): Float64Array {
  const grad = new Float64Array(param.length);
  for (let i = 0; i < param.length; i++) {
    const saved = param[i];
    param[i] = saved + FD_STEP;
    const plus = loss();
    param[i] = saved - FD_STEP;
    const minus = loss();
    param[i] = saved;
    grad[i] = (plus - minus) / (2 * FD_STEP);
  }
  return grad;
}

/** Output arrays are pre-filled with garbage so a function that accumulates instead of writing fails. */
function garbage(n: number): Float64Array {
  return new Float64Array(n).fill(12345.678);
}

const ELEMENTWISE: ElementwiseActivation[] = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu'];
const SLOPE = 0.1;

// ---------------------------------------------------------------------------------------------
// A 2-layer MLP: x[B,nIn] → dense(hidden, act) → dense(nOut, outAct) → loss.

const B = 3;
const N_IN = 5;
const HIDDEN = 4;
const N_OUT = 3;

interface Mlp {
  x: Float64Array;
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: Float64Array;
  y: Float64Array;
}

interface Case {
  hiddenAct: ElementwiseActivation;
  loss: LossName;
  /** Output activation: only MSE may have a non-linear one; CE and BCE take linear logits. */
  outAct: ElementwiseActivation;
  softLabels?: boolean;
}

interface Forward {
  u1: Float64Array;
  z1: Float64Array;
  u2: Float64Array;
  z2: Float64Array;
}

function forward(net: Mlp, c: Case): Forward {
  const u1 = new Float64Array(B * HIDDEN);
  const z1 = new Float64Array(B * HIDDEN);
  const u2 = new Float64Array(B * N_OUT);
  const z2 = new Float64Array(B * N_OUT);
  denseForward(u1, z1, net.x, net.w1, net.b1, B, N_IN, HIDDEN, c.hiddenAct, SLOPE);
  denseForward(u2, z2, z1, net.w2, net.b2, B, HIDDEN, N_OUT, c.outAct, SLOPE);
  return { u1, z1, u2, z2 };
}

/** Loss and δ of the output layer (∂L/∂U², written into delta). */
function lossAndDelta(delta: Float64Array, f: Forward, net: Mlp, c: Case): number {
  switch (c.loss) {
    case 'mse':
      return mseLoss(delta, f.u2, f.z2, net.y, B, N_OUT, c.outAct, SLOPE);
    case 'crossEntropy':
      return softmaxCrossEntropy(delta, f.u2, net.y, B, N_OUT);
    case 'binaryCrossEntropy':
      return sigmoidBce(delta, f.u2, net.y, B, N_OUT);
  }
}

function lossOnly(net: Mlp, c: Case): number {
  return lossAndDelta(new Float64Array(B * N_OUT), forward(net, c), net, c);
}

/** Backprop with the CPU reference functions; returns every gradient the test checks. */
function backward(net: Mlp, c: Case) {
  const f = forward(net, c);
  const delta2 = garbage(B * N_OUT);
  lossAndDelta(delta2, f, net, c);
  const dw2 = garbage(N_OUT * HIDDEN);
  const db2 = garbage(N_OUT);
  matmul(dw2, delta2, f.z1, N_OUT, HIDDEN, B, true, false);
  biasGrad(db2, delta2, B, N_OUT);
  const delta1 = garbage(B * HIDDEN);
  denseBackwardInput(delta1, delta2, net.w2, f.u1, B, HIDDEN, N_OUT, c.hiddenAct, SLOPE);
  const dw1 = garbage(HIDDEN * N_IN);
  const db1 = garbage(HIDDEN);
  matmul(dw1, delta1, net.x, HIDDEN, N_IN, B, true, false);
  biasGrad(db1, delta1, B, HIDDEN);
  // The input has no activation in front of it: 'linear' gives deltaPrev = ∂L/∂X, and uPrev is not read.
  const deltaPrev = garbage(B * N_IN);
  denseBackwardInput(deltaPrev, delta1, net.w1, new Float64Array(0), B, N_IN, HIDDEN, 'linear', SLOPE);
  return { w1: dw1, b1: db1, w2: dw2, b2: db2, x: deltaPrev };
}

function makeTargets(rng: () => number, c: Case): Float64Array {
  const y = new Float64Array(B * N_OUT);
  if (c.loss === 'crossEntropy' && !c.softLabels) {
    for (let r = 0; r < B; r++) y[r * N_OUT + Math.floor(rng() * N_OUT)] = 1;
  } else if (c.loss === 'crossEntropy') {
    // Soft labels that deliberately do not sum to 1 per row.
    for (let i = 0; i < y.length; i++) y[i] = 0.05 + 0.6 * rng();
  } else if (c.loss === 'binaryCrossEntropy') {
    for (let i = 0; i < y.length; i++) y[i] = rng();
  } else {
    for (let i = 0; i < y.length; i++) y[i] = -1 + 2 * rng();
  }
  return y;
}

/** Random network whose pre-activations stay ≥ 1e-3 away from 0 (the ReLU kinks); redraws if not. */
function makeNet(seed: number, c: Case): Mlp {
  const rng = mulberry32(seed);
  for (let attempt = 0; attempt < 100; attempt++) {
    const net: Mlp = {
      x: uniformArray(rng, B * N_IN),
      w1: uniformArray(rng, HIDDEN * N_IN),
      b1: uniformArray(rng, HIDDEN, -0.5, 0.5),
      w2: uniformArray(rng, N_OUT * HIDDEN),
      b2: uniformArray(rng, N_OUT, -0.5, 0.5),
      y: new Float64Array(0),
    };
    net.y = makeTargets(rng, c);
    const f = forward(net, c);
    const nearKink = [...f.u1, ...f.u2].some((v) => Math.abs(v) < 1e-3);
    if (!nearKink) return net;
  }
  throw new Error('could not draw a network away from the kinks');
}

const CASES: Case[] = [];
for (const act of ELEMENTWISE) {
  CASES.push({ hiddenAct: act, loss: 'mse', outAct: act });
  if (act !== 'linear') CASES.push({ hiddenAct: act, loss: 'mse', outAct: 'linear' });
  CASES.push({ hiddenAct: act, loss: 'crossEntropy', outAct: 'linear' });
  CASES.push({ hiddenAct: act, loss: 'binaryCrossEntropy', outAct: 'linear' });
}
for (const act of ['tanh', 'relu'] as ElementwiseActivation[]) {
  CASES.push({ hiddenAct: act, loss: 'crossEntropy', outAct: 'linear', softLabels: true });
}

function caseName(c: Case): string {
  return `hidden ${c.hiddenAct}, ${c.loss}${c.softLabels ? ' (soft labels)' : ''}, output ${c.outAct}`;
}

/** Analytic vs numeric gradients of every parameter and of the input; returns per-array comparisons. */
function gradCheck(net: Mlp, c: Case, scaleAnalytic = 1): GradComparison[] {
  const analytic = backward(net, c);
  const results: GradComparison[] = [];
  for (const key of ['w1', 'b1', 'w2', 'b2', 'x'] as const) {
    const numeric = numericGradient(net[key], () => lossOnly(net, c));
    const scaled = analytic[key].map((v) => v * scaleAnalytic);
    results.push(compareGradients(key, scaled, numeric));
  }
  return results;
}

describe('2-layer MLP backprop vs central finite differences (float64)', () => {
  CASES.forEach((c, index) => {
    it(caseName(c), () => {
      const net = makeNet(1000 + index, c);
      const results = gradCheck(net, c);
      for (const r of results) expect(r.ok, r.worst).toBe(true);
      // Guard against a vacuous pass: the gradients must not all be ~0.
      const g = backward(net, c);
      const largest = Math.max(...[...g.w1, ...g.w2, ...g.x].map(Math.abs));
      expect(largest).toBeGreaterThan(1e-3);
    });
  });
});

describe('the gradient comparison can fail', () => {
  it('rejects an analytic gradient scaled by 1.01', () => {
    const c: Case = { hiddenAct: 'tanh', loss: 'crossEntropy', outAct: 'linear' };
    const net = makeNet(7, c);
    expect(gradCheck(net, c).every((r) => r.ok)).toBe(true);
    const wrong = gradCheck(net, c, 1.01);
    expect(wrong.every((r) => r.ok)).toBe(false);
    expect(wrong.find((r) => r.worst.startsWith('w2'))?.ok).toBe(false);
  });

  it('rejects a backward pass that drops the hidden activation derivative', () => {
    const c: Case = { hiddenAct: 'sigmoid', loss: 'mse', outAct: 'linear' };
    const net = makeNet(8, c);
    const f = forward(net, c);
    const delta2 = new Float64Array(B * N_OUT);
    lossAndDelta(delta2, f, net, c);
    const delta1 = new Float64Array(B * HIDDEN);
    denseBackwardInput(delta1, delta2, net.w2, f.u1, B, HIDDEN, N_OUT, 'linear', SLOPE); // wrong: no σ'
    const dw1 = new Float64Array(HIDDEN * N_IN);
    matmul(dw1, delta1, net.x, HIDDEN, N_IN, B, true, false);
    const numeric = numericGradient(net.w1, () => lossOnly(net, c));
    expect(compareGradients('w1', dw1, numeric).ok).toBe(false);
  });

  it('the helper itself rejects a 1% error and accepts a match', () => {
    expect(compareGradients('g', [0.5, -0.2], [0.5, -0.2]).ok).toBe(true);
    expect(compareGradients('g', [0.505, -0.2], [0.5, -0.2]).ok).toBe(false);
    expect(compareGradients('g', [NaN], [0]).ok).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe('loss values match their direct formulas', () => {
  const rng = mulberry32(42);
  const rows = 4;
  const cols = 3;
  const u = uniformArray(rng, rows * cols, -2, 2);

  it('mseLoss = mean (z − y)² over rows·cols', () => {
    const z = uniformArray(rng, rows * cols);
    const y = uniformArray(rng, rows * cols);
    let expected = 0;
    for (let i = 0; i < z.length; i++) expected += (z[i] - y[i]) ** 2;
    expected /= rows * cols;
    const delta = garbage(rows * cols);
    expect(mseLoss(delta, u, z, y, rows, cols, 'linear', SLOPE)).toBeCloseTo(expected, 12);
    for (let i = 0; i < z.length; i++) expect(delta[i]).toBeCloseTo((2 * (z[i] - y[i])) / (rows * cols), 12);
  });

  it('softmaxCrossEntropy = −mean_rows Σ y log softmax(u); one-hot δ = (P − Y)/B', () => {
    const y = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) y[r * cols + (r % cols)] = 1;
    let expected = 0;
    const p = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += Math.exp(u[r * cols + j]);
      for (let j = 0; j < cols; j++) {
        p[r * cols + j] = Math.exp(u[r * cols + j]) / s;
        expected -= y[r * cols + j] * Math.log(p[r * cols + j]);
      }
    }
    expected /= rows;
    const delta = garbage(rows * cols);
    expect(softmaxCrossEntropy(delta, u, y, rows, cols)).toBeCloseTo(expected, 12);
    for (let i = 0; i < delta.length; i++) expect(delta[i]).toBeCloseTo((p[i] - y[i]) / rows, 12);
  });

  it('sigmoidBce = mean −y log s − (1−y) log(1−s), and stays finite for huge logits', () => {
    const y = uniformArray(rng, rows * cols, 0, 1);
    let expected = 0;
    for (let i = 0; i < u.length; i++) {
      const s = 1 / (1 + Math.exp(-u[i]));
      expected += -y[i] * Math.log(s) - (1 - y[i]) * Math.log(1 - s);
    }
    expected /= rows * cols;
    const delta = garbage(rows * cols);
    expect(sigmoidBce(delta, u, y, rows, cols)).toBeCloseTo(expected, 12);

    const big = new Float64Array([1000, -1000]);
    const t = new Float64Array([0, 1]);
    const deltaBig = new Float64Array(2);
    const L = sigmoidBce(deltaBig, big, t, 1, 2);
    expect(L).toBeCloseTo(1000, 9); // each element costs |u| when the label is the wrong side
    expect(deltaBig[0]).toBeCloseTo(0.5, 12);
    expect(deltaBig[1]).toBeCloseTo(-0.5, 12);
  });
});

describe('activations', () => {
  for (const act of ELEMENTWISE) {
    it(`activationBackward matches finite differences of activationForward: ${act}`, () => {
      const rng = mulberry32(17);
      const count = 40;
      const u = uniformArray(rng, count, -4, 4);
      for (let i = 0; i < count; i++) if (Math.abs(u[i]) < 1e-3) u[i] += 0.01;
      const dz = uniformArray(rng, count);
      const delta = garbage(count);
      activationBackward(delta, dz, u, count, act, SLOPE);

      // Numeric: L(u) = Σ dz · σ(u), so ∂L/∂u_i = dz_i σ'(u_i).
      const z = new Float64Array(count);
      const loss = () => {
        activationForward(z, u, count, act, SLOPE);
        let s = 0;
        for (let i = 0; i < count; i++) s += dz[i] * z[i];
        return s;
      };
      const r = compareGradients(act, delta, numericGradient(u, loss));
      expect(r.ok, r.worst).toBe(true);
    });
  }

  it('forward values at known points', () => {
    const u = new Float64Array([-2, 0.5, 0, 3]);
    const z = garbage(4);
    const expect4 = (act: ElementwiseActivation, values: number[]) => {
      activationForward(z, u, 4, act, SLOPE);
      values.forEach((v, i) => expect(z[i]).toBeCloseTo(v, 12));
    };
    expect4('linear', [-2, 0.5, 0, 3]);
    expect4('relu', [0, 0.5, 0, 3]);
    expect4('leakyRelu', [-0.2, 0.5, 0, 3]);
    expect4('tanh', [Math.tanh(-2), Math.tanh(0.5), 0, Math.tanh(3)]);
    expect4('sigmoid', [1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(-0.5)), 0.5, 1 / (1 + Math.exp(-3))]);
  });

  it('sigmoid is finite and saturates for large |u|', () => {
    const u = new Float64Array([-1000, 1000, -745, 745]);
    const z = new Float64Array(4);
    const delta = new Float64Array(4);
    activationForward(z, u, 4, 'sigmoid', SLOPE);
    activationBackward(delta, new Float64Array([1, 1, 1, 1]), u, 4, 'sigmoid', SLOPE);
    expect([...z, ...delta].every(Number.isFinite)).toBe(true);
    expect(z[0]).toBe(0);
    expect(z[1]).toBe(1);
    expect(delta[0]).toBe(0);
    expect(delta[1]).toBe(0);
  });

  it('runs in float32 too, close to float64', () => {
    const rng = mulberry32(3);
    const u64 = uniformArray(rng, 16, -3, 3);
    const u32 = Float32Array.from(u64);
    const z64 = new Float64Array(16);
    const z32 = new Float32Array(16);
    activationForward(z64, u64, 16, 'tanh', SLOPE);
    activationForward(z32, u32, 16, 'tanh', SLOPE);
    for (let i = 0; i < 16; i++) expect(Math.abs(z32[i] - z64[i])).toBeLessThan(1e-6);
  });
});

describe('softmaxForward', () => {
  it('rows sum to 1 and match exp(u)/Σ exp(u)', () => {
    const rng = mulberry32(5);
    const rows = 4;
    const cols = 7;
    const u = uniformArray(rng, rows * cols, -3, 3);
    const z = garbage(rows * cols);
    softmaxForward(z, u, rows, cols);
    for (let r = 0; r < rows; r++) {
      let sumZ = 0;
      let sumExp = 0;
      for (let j = 0; j < cols; j++) sumExp += Math.exp(u[r * cols + j]);
      for (let j = 0; j < cols; j++) {
        sumZ += z[r * cols + j];
        expect(z[r * cols + j]).toBeCloseTo(Math.exp(u[r * cols + j]) / sumExp, 14);
      }
      expect(sumZ).toBeCloseTo(1, 14);
    }
  });

  it('is stable for large logits', () => {
    const u = new Float64Array([1000, 1000, 999, -1000]);
    const z = new Float64Array(4);
    softmaxForward(z, u, 1, 4);
    expect(z.every(Number.isFinite)).toBe(true);
    const e = Math.exp(-1);
    expect(z[0]).toBeCloseTo(1 / (2 + e), 12);
    expect(z[2]).toBeCloseTo(e / (2 + e), 12);
    expect(z[3]).toBe(0);
  });
});

describe('matmul: all four transpose combinations vs a naive triple loop', () => {
  /** Reference: C = op(A)·op(B) with op(A)[i,p] and op(B)[p,j] read from explicit layouts. */
  function naive(a: Float64Array, b: Float64Array, m: number, n: number, k: number, tA: boolean, tB: boolean) {
    const opA = (i: number, p: number) => (tA ? a[p * m + i] : a[i * k + p]);
    const opB = (p: number, j: number) => (tB ? b[j * k + p] : b[p * n + j]);
    const c = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += opA(i, p) * opB(p, j);
        c[i * n + j] = s;
      }
    }
    return c;
  }

  /** Transpose a row-major [rows,cols] array into [cols,rows]. */
  function transpose(x: Float64Array, rows: number, cols: number): Float64Array {
    const t = new Float64Array(rows * cols);
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
    return t;
  }

  const sizes: [number, number, number][] = [
    [1, 7, 33],
    [7, 33, 1],
    [33, 1, 7],
    [7, 1, 33],
    [33, 7, 1],
    [1, 33, 7],
    [5, 3, 4],
  ];
  for (const [m, n, k] of sizes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        it(`m=${m} n=${n} k=${k} transA=${tA} transB=${tB}`, () => {
          const rng = mulberry32(m * 10000 + n * 100 + k);
          // Draw op(A) [m,k] and op(B) [k,n] first, then store them in the requested layout,
          // so the four combos must give the same product.
          const opA = uniformArray(rng, m * k);
          const opB = uniformArray(rng, k * n);
          const a = tA ? transpose(opA, m, k) : opA;
          const b = tB ? transpose(opB, k, n) : opB;
          const c = garbage(m * n);
          matmul(c, a, b, m, n, k, tA, tB);
          const expected = naive(a, b, m, n, k, tA, tB);
          const plain = naive(opA, opB, m, n, k, false, false);
          for (let i = 0; i < m * n; i++) {
            expect(Math.abs(c[i] - expected[i])).toBeLessThan(1e-12);
            expect(Math.abs(c[i] - plain[i])).toBeLessThan(1e-12);
          }
        });
      }
    }
  }

  it('a hand-computed 2×2 product', () => {
    const a = new Float64Array([1, 2, 3, 4]);
    const b = new Float64Array([5, 6, 7, 8]);
    const c = new Float64Array(4);
    matmul(c, a, b, 2, 2, 2, false, false);
    expect([...c]).toEqual([19, 22, 43, 50]);
    matmul(c, a, b, 2, 2, 2, true, false); // Aᵀ = [[1,3],[2,4]]
    expect([...c]).toEqual([26, 30, 38, 44]);
    matmul(c, a, b, 2, 2, 2, false, true); // Bᵀ = [[5,7],[6,8]]
    expect([...c]).toEqual([17, 23, 39, 53]);
  });
});

describe('dense layer pieces on hand-computed numbers', () => {
  it('denseForward: u = x·wᵀ + b, z = relu(u)', () => {
    const x = new Float64Array([1, 2]); // [1,2]
    const w = new Float64Array([1, -1, 0.5, 0.5]); // [2,2]
    const bias = new Float64Array([0.5, -2]);
    const u = garbage(2);
    const z = garbage(2);
    denseForward(u, z, x, w, bias, 1, 2, 2, 'relu', SLOPE);
    expect([...u]).toEqual([-0.5, -0.5]);
    expect([...z]).toEqual([0, 0]);
  });

  it('biasGrad sums over rows and overwrites', () => {
    const delta = new Float64Array([1, 2, 3, 4, 5, 6]); // [3,2]
    const db = garbage(2);
    biasGrad(db, delta, 3, 2);
    expect([...db]).toEqual([9, 12]);
  });

  it('denseBackwardInput: (delta·w) ⊙ σ\'(uPrev)', () => {
    const delta = new Float64Array([1, 2]); // [1,2]
    const w = new Float64Array([1, 2, 3, 4, 5, 6]); // [2,3]
    const uPrev = new Float64Array([1, -1, 2]);
    const deltaPrev = garbage(3);
    denseBackwardInput(deltaPrev, delta, w, uPrev, 1, 3, 2, 'leakyRelu', SLOPE);
    // delta·w = [9, 12, 15]; leakyRelu' = [1, 0.1, 1]
    expect(deltaPrev[0]).toBeCloseTo(9, 12);
    expect(deltaPrev[1]).toBeCloseTo(1.2, 12);
    expect(deltaPrev[2]).toBeCloseTo(15, 12);
  });
});

describe('gatherRows, sgdUpdate, momentumUpdate', () => {
  it('gatherRows picks rows by index starting at `start`', () => {
    const src = new Float64Array([0, 1, 10, 11, 20, 21, 30, 31]); // 4 rows of 2
    const indices = new Uint32Array([9, 3, 0, 2]);
    const out = garbage(6);
    gatherRows(out, src, indices, 1, 3, 2);
    expect([...out]).toEqual([30, 31, 0, 1, 20, 21]);
    expect(() => gatherRows(out, src, indices, 0, 1, 2)).toThrow(/past the end/);
  });

  it('sgdUpdate: w −= lr·g', () => {
    const w = new Float64Array([1, -2, 3]);
    sgdUpdate(w, new Float64Array([10, 20, -30]), 3, 0.1);
    expect(w[0]).toBeCloseTo(0, 12);
    expect(w[1]).toBeCloseTo(-4, 12);
    expect(w[2]).toBeCloseTo(6, 12);
  });

  it('momentumUpdate: two steps of m = βm − lr·g, w += m', () => {
    const w = new Float64Array([1, 2]);
    const m = new Float64Array([0, 0]);
    momentumUpdate(w, m, new Float64Array([0.5, -1]), 2, 0.1, 0.9);
    // m = [−0.05, 0.1], w = [0.95, 2.1]
    expect(m[0]).toBeCloseTo(-0.05, 12);
    expect(m[1]).toBeCloseTo(0.1, 12);
    expect(w[0]).toBeCloseTo(0.95, 12);
    expect(w[1]).toBeCloseTo(2.1, 12);
    momentumUpdate(w, m, new Float64Array([1, 2]), 2, 0.1, 0.9);
    // m = 0.9·[−0.05, 0.1] − 0.1·[1, 2] = [−0.145, −0.11], w = [0.805, 1.99]
    expect(m[0]).toBeCloseTo(-0.145, 12);
    expect(m[1]).toBeCloseTo(-0.11, 12);
    expect(w[0]).toBeCloseTo(0.805, 12);
    expect(w[1]).toBeCloseTo(1.99, 12);
  });
});

describe('shape errors', () => {
  const short = new Float64Array(2);
  const ok = new Float64Array(100);
  const cases: [string, () => unknown][] = [
    ['matmul c', () => matmul(short, ok, ok, 2, 2, 2, false, false)],
    ['matmul b', () => matmul(ok, ok, short, 2, 2, 2, false, false)],
    ['denseForward w', () => denseForward(ok, ok, ok, short, ok, 2, 3, 4, 'relu', SLOPE)],
    ['denseForward bias', () => denseForward(ok, ok, ok, ok, short, 2, 3, 4, 'relu', SLOPE)],
    ['denseBackwardInput uPrev', () => denseBackwardInput(ok, ok, ok, short, 2, 3, 4, 'tanh', SLOPE)],
    ['biasGrad delta', () => biasGrad(ok, short, 2, 3)],
    ['activationForward z', () => activationForward(short, ok, 3, 'tanh', SLOPE)],
    ['activationBackward u', () => activationBackward(ok, ok, short, 3, 'tanh', SLOPE)],
    ['softmaxForward u', () => softmaxForward(ok, short, 2, 2)],
    ['mseLoss y', () => mseLoss(ok, ok, ok, short, 2, 2, 'linear', SLOPE)],
    ['softmaxCrossEntropy y', () => softmaxCrossEntropy(ok, ok, short, 2, 2)],
    ['sigmoidBce delta', () => sigmoidBce(short, ok, ok, 2, 2)],
    ['gatherRows indices', () => gatherRows(ok, ok, new Uint32Array(2), 1, 2, 2)],
    ['sgdUpdate g', () => sgdUpdate(ok, short, 3, 0.1)],
    ['momentumUpdate m', () => momentumUpdate(ok, short, ok, 3, 0.1, 0.9)],
  ];
  for (const [name, call] of cases) {
    it(`${name} too short throws`, () => {
      expect(call).toThrow(Error);
      expect(call).toThrow(new RegExp(`${name} is too short`));
    });
  }

  it('linear denseBackwardInput does not need uPrev', () => {
    const deltaPrev: FloatArray = new Float32Array(6);
    expect(() =>
      denseBackwardInput(deltaPrev, new Float32Array(4), new Float32Array(6), new Float32Array(0), 2, 3, 2, 'linear', SLOPE),
    ).not.toThrow();
  });
});

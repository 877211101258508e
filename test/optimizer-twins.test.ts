// The optimizer twins (src/cpu: nesterovUpdate, adamUpdate, rmspropUpdate, gradNormScale,
// adamStepScalars) against trajectories computed here in float64 from DESIGN.md's formulas, written
// again and in another form where PyTorch has one (nesterov in PyTorch's buffer form; adam with the
// bias corrections applied to m and v, not folded into the step size), plus single steps worked
// out by hand. No GPU: test/kernel-cases.ts holds the kernels against these twins.
//
// Tolerances: a twin run on Float64Array state against the float64 reference agrees to 1e-12
// relative (the same formula, only the order of operations differs); on Float32Array state (as the
// engines keep it) each stored value is rounded to f32 (relative 6e-8) every step, so after 5 steps
// |twin − ref| ≤ 1e-7 + 1e-6·|ref|.
import { describe, expect, it } from 'vitest';
import { adamStepScalars, adamUpdate, gradNormScale, nesterovUpdate, rmspropUpdate } from '../src/cpu';

const W0 = [0.8, -1.5, 0.02];
/** Fixed gradients per step (5 steps × 3 parameters); step 2 has a large norm, so clipping bites. */
const GRADS = [
  [0.5, -0.25, 0.1],
  [0.3, 0.4, -0.2],
  [4.0, -3.0, 2.5],
  [-0.1, 0.05, 0.6],
  [0.7, -0.9, 0.0],
];
const STEPS = GRADS.length;

type Arr = Float32Array | Float64Array;

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, what: string) {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    expect(diff, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(atol + rtol * Math.abs(expected[i]));
  }
}

/** PyTorch's clip_grad_norm_ factor, in float64. */
function clipFactor(g: number[], maxNorm: number | null): number {
  if (maxNorm === null) return 1;
  const norm = Math.hypot(...g);
  const coef = maxNorm / (norm + 1e-6);
  return coef < 1 ? coef : 1;
}

/** Runs one twin over the trajectory on arrays of the given type; returns the final w. */
function runTwin(make: (n: number) => Arr, step: (w: Arr, state: Arr[], g: Arr, t: number) => void, stateCount: number): number[] {
  const w = make(3);
  w.set(W0);
  const state = Array.from({ length: stateCount }, () => make(3));
  for (let t = 1; t <= STEPS; t++) {
    const g = make(3);
    g.set(GRADS[t - 1]);
    step(w, state, g, t);
  }
  return Array.from(w);
}
const f64 = (n: number) => new Float64Array(n);
const f32 = (n: number) => new Float32Array(n);

describe('nesterovUpdate', () => {
  // PyTorch SGD(momentum=β, nesterov=True, dampening=0, weight_decay=λ): d = g + λp;
  // buf = β·buf + d (buf = d on the first step, the same as from buf = 0); p -= lr·(d + β·buf).
  function reference(lr: number, beta: number, lambda: number, maxNorm: number | null): number[] {
    const p = [...W0];
    const buf = [0, 0, 0];
    for (const g of GRADS) {
      const c = clipFactor(g, maxNorm);
      for (let i = 0; i < 3; i++) {
        const d = g[i] * c + lambda * p[i];
        buf[i] = beta * buf[i] + d;
        p[i] -= lr * (d + beta * buf[i]);
      }
    }
    return p;
  }
  const twin = (make: (n: number) => Arr, lr: number, beta: number, lambda: number, maxNorm: number | null) =>
    runTwin(make, (w, [m], g) => nesterovUpdate(w, m, g, 3, lr, beta, lambda, maxNorm === null ? 1 : gradNormScale(g, 3, maxNorm)), 1);

  for (const [lambda, maxNorm] of [[0, null], [0.01, null], [0.01, 1.0]] as const) {
    it(`matches PyTorch's buffer form over 5 steps, λ = ${lambda}, clip ${maxNorm ?? 'off'}`, () => {
      const ref = reference(0.1, 0.9, lambda, maxNorm);
      expectClose(twin(f64, 0.1, 0.9, lambda, maxNorm), ref, 0, 1e-12, 'float64 twin');
      expectClose(twin(f32, 0.1, 0.9, lambda, maxNorm), ref, 1e-7, 1e-6, 'float32 twin');
    });
  }

  it('one step by hand: w = 1, g = 0.5, lr = 0.1, β = 0.9 → m = −0.05, w = 1 − 0.045 − 0.05 = 0.905', () => {
    const w = new Float64Array([1]);
    const m = new Float64Array([0]);
    nesterovUpdate(w, m, new Float64Array([0.5]), 1, 0.1, 0.9, 0, 1);
    expect(m[0]).toBeCloseTo(-0.05, 15);
    expect(w[0]).toBeCloseTo(0.905, 15);
  });
});

describe('adamUpdate and adamStepScalars', () => {
  // DESIGN.md: m := β1·m + (1−β1)·g; v := β2·v + (1−β2)·g²;
  // w := w − μ·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + ε); AdamW first w := w − μλw and no λ in g.
  function reference(lr: number, b1: number, b2: number, eps: number, lambda: number, adamw: boolean, maxNorm: number | null) {
    const p = [...W0];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    GRADS.forEach((g, k) => {
      const t = k + 1;
      const c = clipFactor(g, maxNorm);
      for (let i = 0; i < 3; i++) {
        if (adamw) p[i] = p[i] - lr * lambda * p[i];
        const d = g[i] * c + (adamw ? 0 : lambda * p[i]);
        m[i] = b1 * m[i] + (1 - b1) * d;
        v[i] = b2 * v[i] + (1 - b2) * d * d;
        const mHat = m[i] / (1 - b1 ** t);
        const vHat = v[i] / (1 - b2 ** t);
        p[i] = p[i] - (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    });
    return p;
  }
  const twin = (make: (n: number) => Arr, lr: number, lambda: number, adamw: boolean, maxNorm: number | null) =>
    runTwin(
      make,
      (w, [m, v], g, t) => {
        const s = adamStepScalars(lr, 0.9, 0.999, t, lambda);
        const scale = maxNorm === null ? 1 : gradNormScale(g, 3, maxNorm);
        adamUpdate(w, m, v, g, 3, s.stepSize, s.bc2Sqrt, 0.9, 0.999, 1e-8, lambda, s.decay, adamw, scale);
      },
      2,
    );

  for (const adamw of [false, true]) {
    for (const [lambda, maxNorm] of [[0, null], [0.1, null], [0.1, 1.0]] as const) {
      it(`${adamw ? 'AdamW' : 'Adam'} over 5 steps, lr 0.01, λ = ${lambda}, clip ${maxNorm ?? 'off'}`, () => {
        const ref = reference(0.01, 0.9, 0.999, 1e-8, lambda, adamw, maxNorm);
        expectClose(twin(f64, 0.01, lambda, adamw, maxNorm), ref, 0, 1e-12, 'float64 twin');
        expectClose(twin(f32, 0.01, lambda, adamw, maxNorm), ref, 1e-7, 1e-6, 'float32 twin');
      });
    }
  }

  it('Adam and AdamW differ when λ > 0 (the decay is decoupled, not in the gradient)', () => {
    const a = twin(f64, 0.01, 0.1, false, null);
    const b = twin(f64, 0.01, 0.1, true, null);
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i])))).toBeGreaterThan(1e-4);
  });

  it('first step by hand: g = 0.5, lr = 0.001, fresh state → m̂ = 0.5, v̂ = 0.25, w moves by −0.001·0.5/(0.5 + 1e-8)', () => {
    // m = 0.1·0.5 = 0.05, v = 0.001·0.25 = 0.00025; m̂ = 0.05/0.1 = 0.5; sqrt(v̂) = sqrt(0.00025/0.001) = 0.5.
    const w = new Float64Array([1]);
    const m = new Float64Array(1);
    const v = new Float64Array(1);
    const s = adamStepScalars(0.001, 0.9, 0.999, 1, 0);
    adamUpdate(w, m, v, new Float64Array([0.5]), 1, s.stepSize, s.bc2Sqrt, 0.9, 0.999, 1e-8, 0, s.decay, false, 1);
    expect(m[0]).toBeCloseTo(0.05, 15);
    expect(v[0]).toBeCloseTo(0.00025, 15);
    expect(w[0] - 1).toBeCloseTo(-0.00099999998, 14); // ≈ −lr·sign(g)
    // A constant gradient keeps m̂ = 0.5 and v̂ = 0.25 exactly: every step moves w by the same amount.
    for (let t = 2; t <= 5; t++) {
      const st = adamStepScalars(0.001, 0.9, 0.999, t, 0);
      adamUpdate(w, m, v, new Float64Array([0.5]), 1, st.stepSize, st.bc2Sqrt, 0.9, 0.999, 1e-8, 0, st.decay, false, 1);
    }
    expect(w[0] - 1).toBeCloseTo(-5 * 0.00099999998, 13);
    // In float32 state (as the engines keep it) the first step gives 0.999 to f32 precision.
    const w32 = new Float32Array([1]);
    adamUpdate(w32, new Float32Array(1), new Float32Array(1), new Float32Array([0.5]), 1, s.stepSize, s.bc2Sqrt, 0.9, 0.999, 1e-8, 0, s.decay, false, 1);
    expect(Math.abs(w32[0] - 0.999)).toBeLessThan(1e-7);
  });

  it('AdamW first step by hand: w = 2, λ = 0.1, lr = 0.001, g = 0.5 → 2·(1 − 1e-4) − 0.00099999998 = 1.99880000002', () => {
    const w = new Float64Array([2]);
    const s = adamStepScalars(0.001, 0.9, 0.999, 1, 0.1);
    expect(s.decay).toBeCloseTo(0.9999, 15);
    adamUpdate(w, new Float64Array(1), new Float64Array(1), new Float64Array([0.5]), 1, s.stepSize, s.bc2Sqrt, 0.9, 0.999, 1e-8, 0.1, s.decay, true, 1);
    expect(w[0]).toBeCloseTo(1.99880000002, 13);
  });

  it('adamStepScalars: lr/(1−β1^t), sqrt(1−β2^t), 1 − lr·λ; t must be an integer ≥ 1', () => {
    const one = adamStepScalars(0.001, 0.9, 0.999, 1, 0.01);
    expect(one.stepSize).toBeCloseTo(0.01, 15);
    expect(one.bc2Sqrt).toBeCloseTo(Math.sqrt(0.001), 15);
    expect(one.decay).toBeCloseTo(1 - 1e-5, 15);
    const late = adamStepScalars(0.001, 0.9, 0.999, 1000, 0);
    expect(late.stepSize).toBeCloseTo(0.001 / (1 - 0.9 ** 1000), 15);
    expect(late.bc2Sqrt).toBeCloseTo(Math.sqrt(1 - 0.999 ** 1000), 15);
    expect(late.bc2Sqrt).toBeCloseTo(0.7950, 3);
    expect(late.decay).toBe(1);
    expect(() => adamStepScalars(0.001, 0.9, 0.999, 0, 0)).toThrow(RangeError);
    expect(() => adamStepScalars(0.001, 0.9, 0.999, 1.5, 0)).toThrow(RangeError);
  });
});

describe('rmspropUpdate', () => {
  // PyTorch RMSprop(alpha=ρ): d = g + λp; square_avg = ρ·square_avg + (1−ρ)·d²; p -= lr·d/(sqrt(square_avg) + ε).
  function reference(lr: number, rho: number, eps: number, lambda: number, maxNorm: number | null) {
    const p = [...W0];
    const sq = [0, 0, 0];
    for (const g of GRADS) {
      const c = clipFactor(g, maxNorm);
      for (let i = 0; i < 3; i++) {
        const d = g[i] * c + lambda * p[i];
        sq[i] = rho * sq[i] + (1 - rho) * d ** 2;
        p[i] -= (lr * d) / (Math.sqrt(sq[i]) + eps);
      }
    }
    return p;
  }
  const twin = (make: (n: number) => Arr, lambda: number, maxNorm: number | null) =>
    runTwin(make, (w, [v], g) => rmspropUpdate(w, v, g, 3, 0.01, 0.99, 1e-8, lambda, maxNorm === null ? 1 : gradNormScale(g, 3, maxNorm)), 1);

  for (const [lambda, maxNorm] of [[0, null], [0.05, null], [0.05, 1.0]] as const) {
    it(`over 5 steps, lr 0.01, ρ 0.99, λ = ${lambda}, clip ${maxNorm ?? 'off'}`, () => {
      const ref = reference(0.01, 0.99, 1e-8, lambda, maxNorm);
      expectClose(twin(f64, lambda, maxNorm), ref, 0, 1e-12, 'float64 twin');
      expectClose(twin(f32, lambda, maxNorm), ref, 1e-7, 1e-6, 'float32 twin');
    });
  }

  it('one step by hand: v = 0, g = 0.5, ρ = 0.99 → v = 0.0025, w moves by −0.01·0.5/(0.05 + 1e-8)', () => {
    const w = new Float64Array([1]);
    const v = new Float64Array([0]);
    rmspropUpdate(w, v, new Float64Array([0.5]), 1, 0.01, 0.99, 1e-8, 0, 1);
    expect(v[0]).toBeCloseTo(0.0025, 15);
    expect(w[0] - 1).toBeCloseTo(-0.005 / 0.05000001, 15);
    expect(w[0] - 1).toBeCloseTo(-0.09999998, 8);
  });
});

describe('gradNormScale (clip_grad_norm_)', () => {
  it('g = [3, 4, 0]: norm 5; maxNorm 1 → 1/(5 + 1e-6); maxNorm 10 → 1; count 1 sees only the 3', () => {
    const g = new Float32Array([3, 4, 0]);
    expect(gradNormScale(g, 3, 1)).toBeCloseTo(1 / 5.000001, 15);
    expect(gradNormScale(g, 3, 10)).toBe(1);
    expect(gradNormScale(g, 3, 5)).toBeCloseTo(5 / 5.000001, 15); // just below 1: PyTorch's clamp
    expect(gradNormScale(g, 1, 1)).toBeCloseTo(1 / 3.000001, 15);
  });

  it('clipped gradients have norm maxNorm (to the 1e-6 guard)', () => {
    for (const g of GRADS) {
      const c = gradNormScale(new Float64Array(g), 3, 1);
      const norm = Math.hypot(...g.map((x) => x * c));
      expect(norm).toBeLessThanOrEqual(1);
      if (Math.hypot(...g) > 1) expect(norm).toBeCloseTo(1, 5);
    }
  });

  it('a zero gradient gives factor 1 (no division by zero)', () => {
    expect(gradNormScale(new Float32Array(4), 4, 1)).toBe(1);
  });
});

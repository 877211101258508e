/**
 * The CPU twins of the CNN kernels (conv2d, max/avg pooling, dropout, layer norm) held against
 * float64 central finite differences and against hand-worked numbers.
 *
 * Finite differences only show that a backward matches its forward; a forward that pads or strides
 * wrongly would still pass them. So every conv/pool forward is also compared with a reference
 * written here a different way (explicitly zero-padded input, then sliding windows), and with
 * small hand-computed examples.
 *
 * Each gradient check uses the scalar loss L = Σ r ⊙ out with a fixed random r, so ∂L/∂out = r.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ShapeError } from '../src/errors';
import {
  avgPool2dBackward,
  avgPool2dForward,
  conv2dBackwardInput,
  conv2dBackwardWeights,
  conv2dForward,
  convOutputSize,
  dropoutBackward,
  dropoutBits,
  dropoutForwardHashed,
  dropoutScale,
  dropoutThreshold,
  layerNormBackwardInput,
  layerNormBackwardParams,
  layerNormForward,
  maxPool2dBackward,
  maxPool2dForward,
  samePadding,
} from '../src/cpu';
import { mulberry32, uniformArray } from './helpers/random';

// ---------------------------------------------------------------------------------------------
// Helpers written here or in test/helpers, not imported from src, so the test shares nothing with the code under test.


/** n distinct values in [−1, 1), at least 2/n apart, in random order (no ties for max-pool). */
function distinctArray(rng: () => number, n: number): Float64Array {
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  return Float64Array.from(perm, (p) => -1 + (2 * p) / n);
}

/**
 * Central-difference step and tolerance: |analytic − numeric| ≤ 1e-7 + 1e-6·|numeric|.
 * All twins run in float64 here. conv, pooling and dropout are linear in the perturbed input, so
 * the difference has no truncation error, only rounding ≈ 1e-16·|L|/h ≲ 1e-9; layer norm's
 * truncation error is ≈ h²·|f'''| ≲ 1e-10. A 1% error in any gradient of size ≳ 1e-4 fails
 * (see the "checker can fail" test).
 */
const FD_STEP = 1e-6;
const ABS_TOL = 1e-7;
const REL_TOL = 1e-6;

/** Index and size of the worst element, or null if every element is within tolerance. */
function gradMismatch(analytic: ArrayLike<number>, numeric: ArrayLike<number>): string | null {
  if (analytic.length < numeric.length) return `length ${analytic.length} < ${numeric.length}`;
  let worst: string | null = null;
  let worstExcess = 0;
  for (let i = 0; i < numeric.length; i++) {
    const a = analytic[i];
    const n = numeric[i];
    const excess = Math.abs(a - n) - (ABS_TOL + REL_TOL * Math.abs(n));
    if (!(excess <= 0) && (worst === null || !(excess <= worstExcess))) {
      worstExcess = excess;
      worst = `[${i}]: analytic ${a}, numeric ${n}`;
    }
  }
  return worst;
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

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Output arrays are pre-filled with garbage so a function that accumulates instead of writing fails. */
function garbage(n: number): Float64Array {
  return new Float64Array(n).fill(12345.678);
}

function expectClose(actual: ArrayLike<number>, expected: number[], tol = 1e-12): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `element ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(tol);
  }
}

// ---------------------------------------------------------------------------------------------
// Independent forward references: pad explicitly, then slide windows.

interface ConvCase {
  name: string;
  batch: number;
  inC: number;
  inH: number;
  inW: number;
  filters: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
}

function outSizes(c: ConvCase): [number, number] {
  return [Math.floor((c.inH + 2 * c.ph - c.kh) / c.sh) + 1, Math.floor((c.inW + 2 * c.pw - c.kw) / c.sw) + 1];
}

/** x as a nested [n][c][y][x] array with ph/pw zero rows/columns around each plane. */
function padded(x: Float64Array, batch: number, ch: number, h: number, w: number, ph: number, pw: number): number[][][][] {
  const out: number[][][][] = [];
  for (let n = 0; n < batch; n++) {
    const planes: number[][][] = [];
    for (let c = 0; c < ch; c++) {
      const plane: number[][] = [];
      for (let y = 0; y < h + 2 * ph; y++) {
        const row: number[] = [];
        for (let xx = 0; xx < w + 2 * pw; xx++) {
          const iy = y - ph;
          const ix = xx - pw;
          row.push(iy >= 0 && iy < h && ix >= 0 && ix < w ? x[((n * ch + c) * h + iy) * w + ix] : 0);
        }
        plane.push(row);
      }
      planes.push(plane);
    }
    out.push(planes);
  }
  return out;
}

function referenceConv(c: ConvCase, x: Float64Array, w: Float64Array, bias: Float64Array): number[] {
  const [outH, outW] = outSizes(c);
  const xp = padded(x, c.batch, c.inC, c.inH, c.inW, c.ph, c.pw);
  const out: number[] = [];
  for (let n = 0; n < c.batch; n++)
    for (let f = 0; f < c.filters; f++)
      for (let i = 0; i < outH; i++)
        for (let j = 0; j < outW; j++) {
          let s = bias[f];
          for (let ch = 0; ch < c.inC; ch++)
            for (let a = 0; a < c.kh; a++)
              for (let b = 0; b < c.kw; b++)
                s += xp[n][ch][i * c.sh + a][j * c.sw + b] * w[((f * c.inC + ch) * c.kh + a) * c.kw + b];
          out.push(s);
        }
  return out;
}

interface PoolCase {
  name: string;
  batch: number;
  ch: number;
  inH: number;
  inW: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
}

function poolOut(c: PoolCase): [number, number] {
  return [Math.floor((c.inH - c.kh) / c.sh) + 1, Math.floor((c.inW - c.kw) / c.sw) + 1];
}

function referencePool(c: PoolCase, x: Float64Array, kind: 'max' | 'avg'): number[] {
  const [outH, outW] = poolOut(c);
  const xp = padded(x, c.batch, c.ch, c.inH, c.inW, 0, 0);
  const out: number[] = [];
  for (let n = 0; n < c.batch; n++)
    for (let ch = 0; ch < c.ch; ch++)
      for (let i = 0; i < outH; i++)
        for (let j = 0; j < outW; j++) {
          const window: number[] = [];
          for (let a = 0; a < c.kh; a++) for (let b = 0; b < c.kw; b++) window.push(xp[n][ch][i * c.sh + a][j * c.sw + b]);
          out.push(kind === 'max' ? Math.max(...window) : window.reduce((p, q) => p + q, 0) / window.length);
        }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Shape helper

describe('convOutputSize / samePadding', () => {
  it('computes floor((in + 2p − k)/s) + 1', () => {
    expect(convOutputSize(5, 3, 1, 0)).toBe(3);
    expect(convOutputSize(5, 3, 2, 1)).toBe(3);
    expect(convOutputSize(7, 2, 2, 0)).toBe(3); // the last row is dropped
    expect(convOutputSize(4, 4, 3, 1)).toBe(1);
    expect(convOutputSize(1, 3, 1, 1)).toBe(1); // kernel larger than input, not than padded input
    expect(convOutputSize(28, 5, 1, 2)).toBe(28);
  });

  it('refuses bad sizes with ShapeError', () => {
    const bad: [number, number, number, number][] = [
      [2, 5, 1, 1], // kernel 5 > padded input 4
      [3, 4, 1, 0],
      [5, 0, 1, 0], // kernel 0
      [5, 2.5, 1, 0], // fractional kernel
      [5, 3, 0, 0], // stride 0
      [5, 3, 1.5, 0], // fractional stride
      [5, 3, -1, 0],
      [5, 3, 1, -1], // negative padding
      [5, 3, 1, 0.5],
      [0, 1, 1, 0], // empty input
      [4.5, 3, 1, 0],
      [Number.NaN, 3, 1, 0],
      [Number.POSITIVE_INFINITY, 3, 1, 0],
    ];
    for (const [i, k, s, p] of bad) {
      expect(() => convOutputSize(i, k, s, p), `convOutputSize(${i}, ${k}, ${s}, ${p})`).toThrow(ShapeError);
    }
  });

  it("'same' padding: odd kernels with stride 1 only", () => {
    expect(samePadding(1, 1)).toBe(0);
    expect(samePadding(3, 1)).toBe(1);
    expect(samePadding(5, 1)).toBe(2);
    expect(convOutputSize(9, 5, 1, samePadding(5, 1))).toBe(9);
    expect(() => samePadding(2, 1)).toThrow(ShapeError);
    expect(() => samePadding(4, 1)).toThrow(ShapeError);
    expect(() => samePadding(3, 2)).toThrow(ShapeError);
    expect(() => samePadding(0, 1)).toThrow(ShapeError);
  });

  it('the twins refuse impossible shapes and short arrays with ShapeError', () => {
    const a = new Float64Array(100);
    // 2×2 input, 3×3 kernel, no padding
    expect(() => conv2dForward(a, a, a, a, 1, 1, 2, 2, 1, 3, 3, 1, 1, 0, 0)).toThrow(ShapeError);
    // u too short: 1×1×5×5 input, 3×3 kernel → 9 outputs, u has 8
    expect(() => conv2dForward(new Float64Array(8), a, a, a, 1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0)).toThrow(ShapeError);
    expect(() => conv2dBackwardInput(a, a, a, 1, 0, 5, 5, 1, 3, 3, 1, 1, 0, 0)).toThrow(ShapeError); // 0 channels
    expect(() => conv2dBackwardWeights(a, a, a, a, 1.5, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0)).toThrow(ShapeError);
    expect(() => maxPool2dForward(a, new Uint32Array(100), a, 1, 1, 3, 3, 4, 4, 1, 1)).toThrow(ShapeError);
    expect(() => avgPool2dForward(a, a, 1, 1, 3, 3, 2, 2, 0, 1)).toThrow(ShapeError);
    expect(() => layerNormForward(a, a, a, a, a, a, 1, 0, 1e-5)).toThrow(ShapeError);
  });
});

// ---------------------------------------------------------------------------------------------
// conv2d

describe('conv2d: hand-computed examples', () => {
  const x9 = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]); // 1×1×3×3

  it('1×1×3×3 input, 2×2 kernel, stride 1, no padding, bias 1', () => {
    const u = garbage(4);
    conv2dForward(u, x9, Float64Array.from([1, 2, 3, 4]), Float64Array.from([1]), 1, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0);
    // [1·1+2·2+3·4+4·5, ...] + 1
    expectClose(u, [38, 48, 68, 78]);
  });

  it('3×3 kernel of ones, stride 2, padding 1', () => {
    const u = garbage(4);
    conv2dForward(u, x9, new Float64Array(9).fill(1), Float64Array.from([0]), 1, 1, 3, 3, 1, 3, 3, 2, 2, 1, 1);
    // windows cover rows/cols {−1,0,1} and {1,2,3}: 1+2+4+5, 2+3+5+6, 4+5+7+8, 5+6+8+9
    expectClose(u, [12, 16, 24, 28]);
  });

  it('channel-major layouts: 2 channels, 2 filters', () => {
    const x = Float64Array.from([...x9, 1, 1, 1, 1, 1, 1, 1, 1, 1]); // channel 1 all ones
    // filter 0: top-left of channel 0 plus bottom-right of channel 1; filter 1: sum of channel 1
    const w = Float64Array.from([1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1]);
    const u = garbage(8);
    conv2dForward(u, x, w, Float64Array.from([0, -1]), 1, 2, 3, 3, 2, 2, 2, 1, 1, 0, 0);
    expectClose(u, [2, 3, 5, 6, 3, 3, 3, 3]);
  });

  it('backward by hand: 2×2 kernel of ones, δ of ones over a 3×3 input', () => {
    const dx = garbage(9);
    conv2dBackwardInput(dx, new Float64Array(4).fill(1), new Float64Array(4).fill(1), 1, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0);
    expectClose(dx, [1, 2, 1, 2, 4, 2, 1, 2, 1]); // how many windows cover each pixel
    const dw = garbage(4);
    const db = garbage(1);
    conv2dBackwardWeights(dw, db, new Float64Array(4).fill(1), x9, 1, 1, 3, 3, 1, 2, 2, 1, 1, 0, 0);
    expectClose(dw, [12, 16, 24, 28]);
    expectClose(db, [4]);
  });

  it('stride larger than the kernel: uncovered inputs get ∂X = 0', () => {
    // 1×1×5×5, 1×1 kernel (w = 2), stride 3 → outputs at (0,0), (0,3), (3,0), (3,3)
    const dx = garbage(25);
    conv2dBackwardInput(dx, Float64Array.from([1, 2, 3, 4]), Float64Array.from([2]), 1, 1, 5, 5, 1, 1, 1, 3, 3, 0, 0);
    const expected = new Array(25).fill(0);
    expected[0] = 2;
    expected[3] = 4;
    expected[15] = 6;
    expected[18] = 8;
    expectClose(dx, expected);
  });

  it('accepts float32 arrays (results match float64 to float32 rounding)', () => {
    const rng = mulberry32(7);
    const x = uniformArray(rng, 2 * 3 * 5 * 5);
    const w = uniformArray(rng, 4 * 3 * 3 * 3);
    const b = uniformArray(rng, 4);
    const u64 = new Float64Array(2 * 4 * 3 * 3);
    const u32 = new Float32Array(u64.length);
    conv2dForward(u64, x, w, b, 2, 3, 5, 5, 4, 3, 3, 2, 2, 1, 1);
    conv2dForward(u32, Float32Array.from(x), Float32Array.from(w), Float32Array.from(b), 2, 3, 5, 5, 4, 3, 3, 2, 2, 1, 1);
    for (let i = 0; i < u64.length; i++) expect(Math.abs(u32[i] - u64[i])).toBeLessThan(1e-5);
  });
});

const CONV_CASES: ConvCase[] = [
  { name: 'b1 c1 5×5, 3×3, s1, p0', batch: 1, inC: 1, inH: 5, inW: 5, filters: 1, kh: 3, kw: 3, sh: 1, sw: 1, ph: 0, pw: 0 },
  { name: 'b3 c3 7×6, 2×3, s2, p1', batch: 3, inC: 3, inH: 7, inW: 6, filters: 5, kh: 2, kw: 3, sh: 2, sw: 2, ph: 1, pw: 1 },
  { name: 'b3 c5 6×7, 3×1, s[2,1], p[2,0]', batch: 3, inC: 5, inH: 6, inW: 7, filters: 2, kh: 3, kw: 1, sh: 2, sw: 1, ph: 2, pw: 0 },
  { name: 'b1 c3 5×5, 3×3, s2, p2', batch: 1, inC: 3, inH: 5, inW: 5, filters: 5, kh: 3, kw: 3, sh: 2, sw: 2, ph: 2, pw: 2 },
  { name: "b3 c1 4×5, 5×5, s1, p2 ('same')", batch: 3, inC: 1, inH: 4, inW: 5, filters: 3, kh: 5, kw: 5, sh: 1, sw: 1, ph: 2, pw: 2 },
  { name: 'b1 c3 7×7, 1×1, s3, p0 (gaps)', batch: 1, inC: 3, inH: 7, inW: 7, filters: 3, kh: 1, kw: 1, sh: 3, sw: 3, ph: 0, pw: 0 },
  { name: 'b3 c1 9×8, 4×4, s3, p1 (floor drops)', batch: 3, inC: 1, inH: 9, inW: 8, filters: 1, kh: 4, kw: 4, sh: 3, sw: 3, ph: 1, pw: 1 },
  { name: 'b1 c5 3×3, 3×3, s[1,2], p[1,2]', batch: 1, inC: 5, inH: 3, inW: 3, filters: 1, kh: 3, kw: 3, sh: 1, sw: 2, ph: 1, pw: 2 },
];

describe('conv2d: forward against an explicitly padded reference, backward against finite differences', () => {
  for (const c of CONV_CASES) {
    it(c.name, () => {
      const rng = mulberry32(1000 + CONV_CASES.indexOf(c));
      const [outH, outW] = outSizes(c);
      const nOut = c.batch * c.filters * outH * outW;
      const x = uniformArray(rng, c.batch * c.inC * c.inH * c.inW);
      const w = uniformArray(rng, c.filters * c.inC * c.kh * c.kw);
      const bias = uniformArray(rng, c.filters);
      const r = uniformArray(rng, nOut);
      const sizes = [c.batch, c.inC, c.inH, c.inW, c.filters, c.kh, c.kw, c.sh, c.sw, c.ph, c.pw] as const;

      const u = garbage(nOut);
      conv2dForward(u, x, w, bias, ...sizes);
      expectClose(u, referenceConv(c, x, w, bias), 1e-12);

      const loss = (): number => {
        const out = new Float64Array(nOut);
        conv2dForward(out, x, w, bias, ...sizes);
        return dot(r, out);
      };
      const dx = garbage(x.length);
      conv2dBackwardInput(dx, r, w, ...sizes);
      const dw = garbage(w.length);
      const db = garbage(bias.length);
      conv2dBackwardWeights(dw, db, r, x, ...sizes);

      expect(gradMismatch(dx, numericGradient(x, loss)), '∂X').toBeNull();
      expect(gradMismatch(dw, numericGradient(w, loss)), '∂W').toBeNull();
      expect(gradMismatch(db, numericGradient(bias, loss)), '∂b').toBeNull();
    });
  }

  it('the checker can fail: a 1% error in one ∂X element is caught', () => {
    const c = CONV_CASES[1];
    const rng = mulberry32(1001);
    const [outH, outW] = outSizes(c);
    const nOut = c.batch * c.filters * outH * outW;
    const x = uniformArray(rng, c.batch * c.inC * c.inH * c.inW);
    const w = uniformArray(rng, c.filters * c.inC * c.kh * c.kw);
    const bias = uniformArray(rng, c.filters);
    const r = uniformArray(rng, nOut);
    const sizes = [c.batch, c.inC, c.inH, c.inW, c.filters, c.kh, c.kw, c.sh, c.sw, c.ph, c.pw] as const;
    const dx = garbage(x.length);
    conv2dBackwardInput(dx, r, w, ...sizes);
    const numeric = numericGradient(x, () => {
      const out = new Float64Array(nOut);
      conv2dForward(out, x, w, bias, ...sizes);
      return dot(r, out);
    });
    expect(gradMismatch(dx, numeric)).toBeNull();
    let k = 0;
    while (Math.abs(dx[k]) < 1e-2) k++;
    dx[k] *= 1.01;
    expect(gradMismatch(dx, numeric)).not.toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Pooling

const POOL_CASES: PoolCase[] = [
  { name: 'b1 c1 5×5, pool 2, s2 (odd: last row/col dropped)', batch: 1, ch: 1, inH: 5, inW: 5, kh: 2, kw: 2, sh: 2, sw: 2 },
  { name: 'b3 c3 7×6, pool 3, s2 (overlapping)', batch: 3, ch: 3, inH: 7, inW: 6, kh: 3, kw: 3, sh: 2, sw: 2 },
  { name: 'b1 c5 5×7, pool 2×3, s[1,2]', batch: 1, ch: 5, inH: 5, inW: 7, kh: 2, kw: 3, sh: 1, sw: 2 },
  { name: 'b3 c1 6×5, pool 3×1, s1', batch: 3, ch: 1, inH: 6, inW: 5, kh: 3, kw: 1, sh: 1, sw: 1 },
  { name: 'b1 c3 7×7, pool 2, s3 (gaps)', batch: 1, ch: 3, inH: 7, inW: 7, kh: 2, kw: 2, sh: 3, sw: 3 },
];

describe('max-pool 2d', () => {
  it('hand-computed: 4×4 input 1..16, pool 2', () => {
    const x = Float64Array.from({ length: 16 }, (_, i) => i + 1);
    const y = garbage(4);
    const idx = new Uint32Array(4).fill(999);
    maxPool2dForward(y, idx, x, 1, 1, 4, 4, 2, 2, 2, 2);
    expectClose(y, [6, 8, 14, 16]);
    expect(Array.from(idx)).toEqual([5, 7, 13, 15]);
    const dx = garbage(16);
    maxPool2dBackward(dx, Float64Array.from([1, 2, 3, 4]), idx, 1, 1, 4, 4, 2, 2, 2, 2);
    expectClose(dx, [0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4]);
  });

  it('ties: the first maximum in row-major window order gets δ', () => {
    const y = garbage(1);
    const idx = new Int32Array(1);
    maxPool2dForward(y, idx, Float64Array.from([1, 3, 3, 0]), 1, 1, 2, 2, 2, 2, 2, 2);
    expect(idx[0]).toBe(1);
    maxPool2dForward(y, idx, Float64Array.from([0, 0, 0, 0]), 1, 1, 2, 2, 2, 2, 2, 2);
    expect(idx[0]).toBe(0);
    const dx = garbage(4);
    maxPool2dBackward(dx, Float64Array.from([5]), idx, 1, 1, 2, 2, 2, 2, 2, 2);
    expectClose(dx, [5, 0, 0, 0]);

    // 2×3 of equal values, pool 2, stride 1: window 0 picks (0,0), window 1 picks (0,1)
    const idx2 = new Uint32Array(2);
    maxPool2dForward(garbage(2), idx2, new Float64Array(6).fill(5), 1, 1, 2, 3, 2, 2, 1, 1);
    expect(Array.from(idx2)).toEqual([0, 1]);
    const dx2 = garbage(6);
    maxPool2dBackward(dx2, Float64Array.from([1, 2]), idx2, 1, 1, 2, 3, 2, 2, 1, 1);
    expectClose(dx2, [1, 2, 0, 0, 0, 0]);
  });

  it('overlapping windows that pick the same input accumulate δ', () => {
    const x = Float64Array.from([0, 9, 0, 0, 0, 0]); // 2×3
    const idx = new Uint32Array(2);
    maxPool2dForward(garbage(2), idx, x, 1, 1, 2, 3, 2, 2, 1, 1);
    expect(Array.from(idx)).toEqual([1, 1]);
    const dx = garbage(6);
    maxPool2dBackward(dx, Float64Array.from([1, 2]), idx, 1, 1, 2, 3, 2, 2, 1, 1);
    expectClose(dx, [0, 3, 0, 0, 0, 0]);
  });

  it('NaN in a window propagates; an arg-max outside its window is refused', () => {
    const y = garbage(1);
    const idx = new Uint32Array(1);
    maxPool2dForward(y, idx, Float64Array.from([1, Number.NaN, 3, 2]), 1, 1, 2, 2, 2, 2, 2, 2);
    expect(Number.isNaN(y[0])).toBe(true);
    expect(idx[0]).toBe(1);
    // 4×4 input, pool 2: output 1 (window rows 0–1, cols 2–3) cannot point at input 0
    const bad = Uint32Array.from([0, 0, 8, 10]);
    expect(() => maxPool2dBackward(garbage(16), new Float64Array(4), bad, 1, 1, 4, 4, 2, 2, 2, 2)).toThrow(DataError);
  });

  for (const c of POOL_CASES) {
    it(`reference and finite differences: ${c.name}`, () => {
      const rng = mulberry32(2000 + POOL_CASES.indexOf(c));
      const [outH, outW] = poolOut(c);
      const nOut = c.batch * c.ch * outH * outW;
      const x = distinctArray(rng, c.batch * c.ch * c.inH * c.inW);
      const r = uniformArray(rng, nOut);
      const sizes = [c.batch, c.ch, c.inH, c.inW, c.kh, c.kw, c.sh, c.sw] as const;
      const y = garbage(nOut);
      const idx = new Uint32Array(nOut);
      maxPool2dForward(y, idx, x, ...sizes);
      expectClose(y, referencePool(c, x, 'max'), 0);
      const dx = garbage(x.length);
      maxPool2dBackward(dx, r, idx, ...sizes);
      const numeric = numericGradient(x, () => {
        const out = new Float64Array(nOut);
        maxPool2dForward(out, new Uint32Array(nOut), x, ...sizes);
        return dot(r, out);
      });
      expect(gradMismatch(dx, numeric), '∂X').toBeNull();
    });
  }
});

describe('avg-pool 2d', () => {
  it('hand-computed: 4×4 input 1..16, pool 2; overlapping backward', () => {
    const x = Float64Array.from({ length: 16 }, (_, i) => i + 1);
    const y = garbage(4);
    avgPool2dForward(y, x, 1, 1, 4, 4, 2, 2, 2, 2);
    expectClose(y, [3.5, 5.5, 11.5, 13.5]);
    const dx = garbage(16);
    avgPool2dBackward(dx, Float64Array.from([4, 8, 12, 16]), 1, 1, 4, 4, 2, 2, 2, 2);
    expectClose(dx, [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    // 1×3 input, pool 1×2, stride 1: the middle input is in both windows
    const dx3 = garbage(3);
    avgPool2dBackward(dx3, Float64Array.from([2, 6]), 1, 1, 1, 3, 1, 2, 1, 1);
    expectClose(dx3, [1, 4, 3]);
  });

  for (const c of POOL_CASES) {
    it(`reference and finite differences: ${c.name}`, () => {
      const rng = mulberry32(3000 + POOL_CASES.indexOf(c));
      const [outH, outW] = poolOut(c);
      const nOut = c.batch * c.ch * outH * outW;
      const x = uniformArray(rng, c.batch * c.ch * c.inH * c.inW);
      const r = uniformArray(rng, nOut);
      const sizes = [c.batch, c.ch, c.inH, c.inW, c.kh, c.kw, c.sh, c.sw] as const;
      const y = garbage(nOut);
      avgPool2dForward(y, x, ...sizes);
      expectClose(y, referencePool(c, x, 'avg'), 1e-12);
      const dx = garbage(x.length);
      avgPool2dBackward(dx, r, ...sizes);
      const numeric = numericGradient(x, () => {
        const out = new Float64Array(nOut);
        avgPool2dForward(out, x, ...sizes);
        return dot(r, out);
      });
      expect(gradMismatch(dx, numeric), '∂X').toBeNull();
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Dropout

/** The PCG hash in exact BigInt arithmetic reduced mod 2³² (shares no code with src/cpu/dropout.ts). */
function pcgRef(v: bigint): bigint {
  const M = 1n << 32n;
  const state = (v * 747796405n + 2891336453n) % M;
  const word = (((state >> ((state >> 28n) + 4n)) ^ state) * 277803737n) % M;
  return (word >> 22n) ^ word;
}
function bitsRef(seed: number, layer: number, counter: number, i: number): number {
  const h = pcgRef(pcgRef(pcgRef(pcgRef(BigInt(seed)) ^ BigInt(layer)) ^ BigInt(counter)) ^ BigInt(i));
  return Number(h >> 8n);
}
const TWO_24 = 2 ** 24;

describe('dropout', () => {
  it('dropoutBits: values computed in Python with exact integers, and a BigInt reference on 2000 inputs', () => {
    // python3: pcg(v) with every product reduced mod 2**32, bits = pcg(pcg(pcg(pcg(seed)^layer)^counter)^i) >> 8
    expect(dropoutBits(0, 0, 0, 0)).toBe(9253448);
    expect(dropoutBits(1, 2, 3, 4)).toBe(6616133);
    expect(dropoutBits(0xdeadbeef, 7, 123456, 4098)).toBe(2953142);
    expect(dropoutBits(42, 0, 0, 1)).toBe(7597886);
    const rng = mulberry32(77);
    const u32 = () => Math.floor(rng() * 2 ** 32);
    for (let k = 0; k < 2000; k++) {
      const [seed, layer, counter, i] = [u32(), k % 5, u32(), u32()];
      expect(dropoutBits(seed, layer, counter, i)).toBe(bitsRef(seed, layer, counter, i));
    }
  });

  it('threshold = ceil(rate·2²⁴), scale = f32(1/(1 − rate))', () => {
    expect(dropoutThreshold(0)).toBe(0);
    expect(dropoutThreshold(0.5)).toBe(2 ** 23);
    expect(dropoutThreshold(0.9)).toBe(15099495); // 0.9·2²⁴ = 15099494.4
    expect(dropoutScale(0)).toBe(1);
    expect(dropoutScale(0.5)).toBe(2);
    expect(dropoutScale(0.3)).toBe(Math.fround(1 / 0.7));
  });

  it('mask rule: kept exactly when bits ≥ threshold; y = x·scale (rounded once to f32) or 0', () => {
    const n = 1000;
    const [seed, layer, counter, rate] = [1234, 3, 99, 0.3];
    const threshold = dropoutThreshold(rate);
    const scale = dropoutScale(rate);
    const x = Float32Array.from(uniformArray(mulberry32(8), n));
    const y = new Float32Array(n).fill(NaN);
    const mask = new Float32Array(n).fill(NaN);
    dropoutForwardHashed(y, mask, x, n, threshold, scale, seed, layer, counter);
    for (let i = 0; i < n; i++) {
      const kept = bitsRef(seed, layer, counter, i) >= threshold;
      expect(mask[i]).toBe(kept ? 1 : 0);
      // A dropped value is x·0: −0 for negative x (=== 0 either way), as on the GPU.
      const expected = kept ? Math.fround(x[i] * scale) : 0;
      expect(y[i] === expected, `y[${i}] = ${y[i]}, expected ${expected}`).toBe(true);
    }
  });

  for (const rate of [0.3, 0.9]) {
    it(`keeps about 1 − rate of the elements, rate ${rate}`, () => {
      const n = 20000;
      const mask = new Float64Array(n);
      dropoutForwardHashed(new Float64Array(n), mask, new Float64Array(n), n, dropoutThreshold(rate), dropoutScale(rate), 42, 0, 7);
      const kept = mask.reduce((a, b) => a + b, 0) / n;
      expect(Math.abs(kept - (1 - rate))).toBeLessThan(6 * Math.sqrt((rate * (1 - rate)) / n));
    });
  }

  it('the same (seed, layer, counter) repeats its mask; another counter, layer or seed draws an independent one', () => {
    const n = 20000;
    const rate = 0.5;
    const maskOf = (seed: number, layer: number, counter: number) => {
      const mask = new Float64Array(n);
      dropoutForwardHashed(new Float64Array(n), mask, new Float64Array(n), n, dropoutThreshold(rate), dropoutScale(rate), seed, layer, counter);
      return mask;
    };
    const base = maskOf(5, 1, 10);
    expect(Array.from(maskOf(5, 1, 10))).toEqual(Array.from(base));
    // Independent masks of rate ½ agree on half the elements (σ = 0.0035 at n = 20000).
    for (const other of [maskOf(5, 1, 11), maskOf(5, 2, 10), maskOf(6, 1, 10)]) {
      let agree = 0;
      for (let i = 0; i < n; i++) if (other[i] === base[i]) agree++;
      expect(Math.abs(agree / n - 0.5)).toBeLessThan(0.025);
    }
  });

  it('hand-computed backward, scale 2', () => {
    const dx = garbage(4);
    dropoutBackward(dx, Float64Array.from([0.5, 1, 1.5, 2]), Float64Array.from([1, 0, 1, 0]), 4, 2);
    expectClose(dx, [1, 0, 3, 0]);
  });

  it('rate 0 is the identity', () => {
    const rng = mulberry32(5);
    const x = uniformArray(rng, 30);
    const mask = garbage(30);
    const y = garbage(30);
    dropoutForwardHashed(y, mask, x, 30, dropoutThreshold(0), dropoutScale(0), 1, 2, 3);
    expectClose(y, Array.from(x), 0);
    expectClose(mask, new Array(30).fill(1), 0);
    const dx = garbage(30);
    dropoutBackward(dx, x, mask, 30, dropoutScale(0));
    expectClose(dx, Array.from(x), 0);
  });

  for (const rate of [0, 0.3, 0.75]) {
    it(`backward against finite differences (the mask depends on the step, not on x), rate ${rate}`, () => {
      const rng = mulberry32(4000 + Math.round(rate * 100));
      const n = 3 * 2 * 3 * 3; // batch 3 of 2×3×3
      const x = uniformArray(rng, n);
      const r = uniformArray(rng, n);
      const [threshold, scale] = [dropoutThreshold(rate), dropoutScale(rate)];
      const mask = garbage(n);
      dropoutForwardHashed(garbage(n), mask, x, n, threshold, scale, 9, 1, 4);
      const dx = garbage(n);
      dropoutBackward(dx, r, mask, n, scale);
      const numeric = numericGradient(x, () => {
        const out = new Float64Array(n);
        dropoutForwardHashed(out, new Float64Array(n), x, n, threshold, scale, 9, 1, 4);
        return dot(r, out);
      });
      expect(gradMismatch(dx, numeric), '∂X').toBeNull();
    });
  }

  it('refuses rates outside [0, 1), thresholds outside [0, 2²⁴] and non-finite scales with ConfigError', () => {
    const a = new Float64Array(4);
    for (const rate of [1, 1.5, -0.1, Number.NaN]) {
      expect(() => dropoutThreshold(rate)).toThrow(ConfigError);
      expect(() => dropoutScale(rate)).toThrow(ConfigError);
    }
    expect(() => dropoutForwardHashed(a, a, a, 4, TWO_24 + 1, 1, 0, 0, 0)).toThrow(ConfigError);
    expect(() => dropoutForwardHashed(a, a, a, 4, 0.5, 1, 0, 0, 0)).toThrow(ConfigError);
    expect(() => dropoutForwardHashed(a, a, a, 4, 0, Infinity, 0, 0, 0)).toThrow(ConfigError);
    expect(() => dropoutForwardHashed(a, a, a, 4, 0, 1, -1, 0, 0)).toThrow(ConfigError);
    expect(() => dropoutBackward(a, a, a, 4, Number.NaN)).toThrow(ConfigError);
  });
});

// ---------------------------------------------------------------------------------------------
// Layer norm

describe('layer norm', () => {
  it('hand-computed forward and backward (ε = 0): x = [−1, −1, 1, 1]', () => {
    const x = Float64Array.from([-1, -1, 1, 1]); // mean 0, biased var 1, x̂ = x
    const gamma = Float64Array.from([1, 2, 0.5, 1]);
    const beta = Float64Array.from([0, 0.5, 0, -1]);
    const y = garbage(4);
    const mean = garbage(1);
    const rstd = garbage(1);
    layerNormForward(y, mean, rstd, x, gamma, beta, 1, 4, 0);
    expectClose(y, [-1, -1.5, 0.5, 0]);
    expectClose(mean, [0]);
    expectClose(rstd, [1]);
    // dy = e₀: g = [1,0,0,0], mean(g) = ¼, mean(g⊙x̂) = −¼, ∂x = g − ¼ + ¼·x̂
    const dx = garbage(4);
    const dgamma = garbage(4);
    const dbeta = garbage(4);
    const dy = Float64Array.from([1, 0, 0, 0]);
    layerNormBackwardInput(dx, dy, x, gamma, mean, rstd, 1, 4);
    layerNormBackwardParams(dgamma, dbeta, dy, x, mean, rstd, 1, 4);
    expectClose(dx, [0.5, -0.5, 0, 0]);
    expectClose(dgamma, [-1, 0, 0, 0]);
    expectClose(dbeta, [1, 0, 0, 0]);
  });

  it('hand-computed: ε inside the square root (var 1, ε = 3 → rstd ½), two rows', () => {
    const x = Float64Array.from([-1, -1, 1, 1, 2, 2, 4, 4]); // row 1: mean 3, var 1
    const ones = new Float64Array(4).fill(1);
    const zeros = new Float64Array(4);
    const y = garbage(8);
    const mean = garbage(2);
    const rstd = garbage(2);
    layerNormForward(y, mean, rstd, x, ones, zeros, 2, 4, 3);
    expectClose(y, [-0.5, -0.5, 0.5, 0.5, -0.5, -0.5, 0.5, 0.5]);
    expectClose(mean, [0, 3]);
    expectClose(rstd, [0.5, 0.5]);
  });

  const LN_CASES = [
    { rows: 1, features: 5, epsilon: 1e-5 },
    { rows: 3, features: 12, epsilon: 1e-5 }, // e.g. C·H·W = 3·2·2
    { rows: 3, features: 7, epsilon: 0.5 }, // large ε: a misplaced ε would show
    { rows: 1, features: 1, epsilon: 1e-5 }, // x̂ = 0: y = β, ∂x = 0
  ];
  for (const c of LN_CASES) {
    it(`∂x, ∂γ, ∂β against finite differences: rows ${c.rows}, features ${c.features}, ε ${c.epsilon}`, () => {
      const rng = mulberry32(5000 + c.rows * 100 + c.features);
      const n = c.rows * c.features;
      const x = uniformArray(rng, n, -2, 3);
      const gamma = uniformArray(rng, c.features, 0.5, 1.5);
      const beta = uniformArray(rng, c.features);
      const r = uniformArray(rng, n);
      const y = garbage(n);
      const mean = garbage(c.rows);
      const rstd = garbage(c.rows);
      layerNormForward(y, mean, rstd, x, gamma, beta, c.rows, c.features, c.epsilon);
      const loss = (): number => {
        const out = new Float64Array(n);
        layerNormForward(out, new Float64Array(c.rows), new Float64Array(c.rows), x, gamma, beta, c.rows, c.features, c.epsilon);
        return dot(r, out);
      };
      const dx = garbage(n);
      const dgamma = garbage(c.features);
      const dbeta = garbage(c.features);
      layerNormBackwardInput(dx, r, x, gamma, mean, rstd, c.rows, c.features);
      layerNormBackwardParams(dgamma, dbeta, r, x, mean, rstd, c.rows, c.features);
      expect(gradMismatch(dx, numericGradient(x, loss)), '∂x').toBeNull();
      expect(gradMismatch(dgamma, numericGradient(gamma, loss)), '∂γ').toBeNull();
      expect(gradMismatch(dbeta, numericGradient(beta, loss)), '∂β').toBeNull();
    });
  }

  it('refuses a negative or non-finite ε with ConfigError', () => {
    const a = new Float64Array(4);
    expect(() => layerNormForward(a, a, a, a, a, a, 1, 4, -1e-5)).toThrow(ConfigError);
    expect(() => layerNormForward(a, a, a, a, a, a, 1, 4, Number.NaN)).toThrow(ConfigError);
  });
});

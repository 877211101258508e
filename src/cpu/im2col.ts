/**
 * Implicit GEMM's data movement for conv2d (shaders/im2col.wgsl, col2im.wgsl, transpose_batched.wgsl),
 * NCHW, PyTorch's padding and stride rule:
 *
 *     cols[(n·outH + i)·outW + j, (c·kh + a)·kw + b] = X[n, c, i·sh + a − ph, j·sw + b − pw]   (0 outside)
 *     ∂X[n,c,y,x] = Σ_{a,b: (y + ph − a)/sh = i, (x + pw − b)/sw = j whole and inside} ∂cols[(n,i,j), (c,a,b)]
 *     transposeBatched: out[n, j, i] = src[n, i, j]  for each of `batch` [rows, cols] matrices
 *
 * With them a convolution is a dense layer over patches: U = cols·Wᵀ + b (W [filters, inC·kh·kw]),
 * ∂W = δᵀ·cols, ∂b = Σ δ, ∂cols = δ·W, with δ and U as [batch·outH·outW, filters].
 */
import type { ElementwiseActivation, FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { windowOutput } from './conv_shape.js';
import { denseForward } from './dense_forward.js';

export interface ConvGeometry {
  batch: number;
  inC: number;
  inH: number;
  inW: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
}

function outputOf(fn: string, g: ConvGeometry): { outH: number; outW: number; depth: number } {
  const { outH, outW } = windowOutput(fn, { batch: g.batch, inC: g.inC }, g.inH, g.inW, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw);
  return { outH, outW, depth: g.inC * g.kh * g.kw };
}

/** The patch matrix of X. Overwrites cols. */
export function im2col(cols: FloatArray, x: FloatArray, g: ConvGeometry): void {
  const { outH, outW, depth } = outputOf('im2col', g);
  checkLength('im2col x', x, g.batch * g.inC * g.inH * g.inW);
  checkLength('im2col cols', cols, g.batch * outH * outW * depth);
  let e = 0;
  for (let n = 0; n < g.batch; n++) {
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        for (let c = 0; c < g.inC; c++) {
          for (let a = 0; a < g.kh; a++) {
            for (let b = 0; b < g.kw; b++) {
              const y = i * g.sh + a - g.ph;
              const xx = j * g.sw + b - g.pw;
              const inside = y >= 0 && y < g.inH && xx >= 0 && xx < g.inW;
              cols[e++] = inside ? x[((n * g.inC + c) * g.inH + y) * g.inW + xx] : 0;
            }
          }
        }
      }
    }
  }
}

/** ∂X from ∂cols, summed a then b ascending (as the kernel). Overwrites dx. */
export function col2im(dx: FloatArray, dcols: FloatArray, g: ConvGeometry): void {
  const { outH, outW, depth } = outputOf('col2im', g);
  checkLength('col2im dcols', dcols, g.batch * outH * outW * depth);
  checkLength('col2im dx', dx, g.batch * g.inC * g.inH * g.inW);
  for (let n = 0; n < g.batch; n++) {
    for (let c = 0; c < g.inC; c++) {
      for (let y = 0; y < g.inH; y++) {
        for (let x = 0; x < g.inW; x++) {
          let sum = 0;
          for (let a = 0; a < g.kh; a++) {
            const ty = y + g.ph - a;
            if (ty < 0 || ty % g.sh !== 0 || ty / g.sh >= outH) continue;
            for (let b = 0; b < g.kw; b++) {
              const tx = x + g.pw - b;
              if (tx < 0 || tx % g.sw !== 0 || tx / g.sw >= outW) continue;
              sum += dcols[((n * outH + ty / g.sh) * outW + tx / g.sw) * depth + (c * g.kh + a) * g.kw + b];
            }
          }
          dx[((n * g.inC + c) * g.inH + y) * g.inW + x] = sum;
        }
      }
    }
  }
}

/** out[n, j, i] = src[n, i, j]. Overwrites out. */
export function transposeBatched(out: FloatArray, src: FloatArray, batch: number, rows: number, cols: number): void {
  checkLength('transposeBatched src', src, batch * rows * cols);
  checkLength('transposeBatched out', out, batch * rows * cols);
  for (let n = 0; n < batch; n++) {
    const base = n * rows * cols;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[base + j * rows + i] = src[base + i * cols + j];
  }
}

/**
 * conv2d_gemm_forward: the dense forward over the patch matrix (cols [rows·pixels, nIn], W [nOut,
 * nIn]), stored NCHW: U[n, f, p] = cols[n·pixels + p, ·]·W[f, ·] + b[f], Z = σ(U). Overwrites u, z.
 */
export function conv2dGemmForward(
  u: FloatArray,
  z: FloatArray,
  cols: FloatArray,
  w: FloatArray,
  bias: FloatArray,
  m: number,
  nIn: number,
  nOut: number,
  pixels: number,
  activation: ElementwiseActivation,
  slope: number,
): void {
  checkLength('conv2dGemmForward u', u, m * nOut);
  checkLength('conv2dGemmForward z', z, m * nOut);
  const pu = new Float64Array(m * nOut);
  const pz = new Float64Array(m * nOut);
  denseForward(pu, pz, cols, w, bias, m, nIn, nOut, activation, slope);
  transposeBatched(u, pu, m / pixels, pixels, nOut);
  transposeBatched(z, pz, m / pixels, pixels, nOut);
}

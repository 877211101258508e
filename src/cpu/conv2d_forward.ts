import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { windowOutput } from './conv_shape.js';

/**
 * conv2d forward (PyTorch's Conv2d, no activation):
 *
 *     U[n,f,i,j] = b[f] + Σ_{c,a,b} W[f,c,a,b] · X[n, c, i·sh + a − ph, j·sw + b − pw]   (X = 0 outside)
 *
 * Layouts (row-major): x [batch, inC, inH, inW] (NCHW), w [filters, inC, kh, kw], bias [filters],
 * u [batch, filters, outH, outW] with outH = floor((inH + 2·ph − kh)/sh) + 1 (likewise outW).
 * Overwrites u. Sizes are checked by windowOutput / checkLength (ShapeError).
 */
export function conv2dForward(
  u: FloatArray,
  x: FloatArray,
  w: FloatArray,
  bias: FloatArray,
  batch: number,
  inC: number,
  inH: number,
  inW: number,
  filters: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  ph: number,
  pw: number,
): void {
  const { outH, outW } = windowOutput('conv2dForward', { batch, inC, filters }, inH, inW, kh, kw, sh, sw, ph, pw);
  checkLength('conv2dForward u', u, batch * filters * outH * outW);
  checkLength('conv2dForward x', x, batch * inC * inH * inW);
  checkLength('conv2dForward w', w, filters * inC * kh * kw);
  checkLength('conv2dForward bias', bias, filters);
  for (let n = 0; n < batch; n++) {
    for (let f = 0; f < filters; f++) {
      for (let i = 0; i < outH; i++) {
        for (let j = 0; j < outW; j++) {
          let sum = bias[f];
          for (let c = 0; c < inC; c++) {
            const xPlane = (n * inC + c) * inH * inW;
            const wPlane = (f * inC + c) * kh * kw;
            for (let a = 0; a < kh; a++) {
              const y = i * sh + a - ph;
              if (y < 0 || y >= inH) continue;
              for (let b = 0; b < kw; b++) {
                const xx = j * sw + b - pw;
                if (xx < 0 || xx >= inW) continue;
                sum += w[wPlane + a * kw + b] * x[xPlane + y * inW + xx];
              }
            }
          }
          u[((n * filters + f) * outH + i) * outW + j] = sum;
        }
      }
    }
  }
}

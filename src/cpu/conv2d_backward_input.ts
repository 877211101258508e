import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { windowOutput } from './conv_shape.js';

/**
 * conv2d backward to the input, ∂L/∂X given δ = ∂L/∂U:
 *
 *     ∂X[n,c,y,x] = Σ_{f,a,b : y = i·sh + a − ph, x = j·sw + b − pw, 0 ≤ i < outH, 0 ≤ j < outW}
 *                   δ[n,f,i,j] · W[f,c,a,b]
 *
 * Written in gather form: for each input pixel, every kernel offset (a, b) whose output position
 * i = (y + ph − a)/sh, j = (x + pw − b)/sw is a whole number inside the output. Input pixels that
 * no window covers (stride > kernel, or the bottom/right rows a floor() drops) get 0.
 * Layouts: dx [batch, inC, inH, inW], delta [batch, filters, outH, outW], w [filters, inC, kh, kw],
 * outH = floor((inH + 2·ph − kh)/sh) + 1 (likewise outW). Overwrites dx. The activation's
 * derivative is not applied here (δ is taken as ∂L/∂U of this layer; ∂X is w.r.t. its input).
 */
export function conv2dBackwardInput(
  dx: FloatArray,
  delta: FloatArray,
  w: FloatArray,
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
  const { outH, outW } = windowOutput('conv2dBackwardInput', { batch, inC, filters }, inH, inW, kh, kw, sh, sw, ph, pw);
  checkLength('conv2dBackwardInput dx', dx, batch * inC * inH * inW);
  checkLength('conv2dBackwardInput delta', delta, batch * filters * outH * outW);
  checkLength('conv2dBackwardInput w', w, filters * inC * kh * kw);
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < inC; c++) {
      for (let y = 0; y < inH; y++) {
        for (let xx = 0; xx < inW; xx++) {
          let sum = 0;
          for (let a = 0; a < kh; a++) {
            const ti = y + ph - a;
            if (ti < 0 || ti % sh !== 0) continue;
            const i = ti / sh;
            if (i >= outH) continue;
            for (let b = 0; b < kw; b++) {
              const tj = xx + pw - b;
              if (tj < 0 || tj % sw !== 0) continue;
              const j = tj / sw;
              if (j >= outW) continue;
              for (let f = 0; f < filters; f++) {
                sum += delta[((n * filters + f) * outH + i) * outW + j] * w[((f * inC + c) * kh + a) * kw + b];
              }
            }
          }
          dx[((n * inC + c) * inH + y) * inW + xx] = sum;
        }
      }
    }
  }
}

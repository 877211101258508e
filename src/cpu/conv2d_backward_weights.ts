import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { windowOutput } from './conv_shape.js';

/**
 * conv2d parameter gradients given δ = ∂L/∂U and the layer's input X:
 *
 *     ∂W[f,c,a,b] = Σ_{n,i,j} δ[n,f,i,j] · X[n, c, i·sh + a − ph, j·sw + b − pw]   (X = 0 outside)
 *     ∂b[f]       = Σ_{n,i,j} δ[n,f,i,j]
 *
 * Layouts: dw [filters, inC, kh, kw], db [filters], delta [batch, filters, outH, outW],
 * x [batch, inC, inH, inW], outH = floor((inH + 2·ph − kh)/sh) + 1 (likewise outW).
 * Overwrites dw and db. No normalisation: δ already carries the loss's 1/B factor.
 */
export function conv2dBackwardWeights(
  dw: FloatArray,
  db: FloatArray,
  delta: FloatArray,
  x: FloatArray,
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
  const { outH, outW } = windowOutput('conv2dBackwardWeights', { batch, inC, filters }, inH, inW, kh, kw, sh, sw, ph, pw);
  checkLength('conv2dBackwardWeights dw', dw, filters * inC * kh * kw);
  checkLength('conv2dBackwardWeights db', db, filters);
  checkLength('conv2dBackwardWeights delta', delta, batch * filters * outH * outW);
  checkLength('conv2dBackwardWeights x', x, batch * inC * inH * inW);
  for (let f = 0; f < filters; f++) {
    for (let c = 0; c < inC; c++) {
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          let sum = 0;
          for (let n = 0; n < batch; n++) {
            const dPlane = (n * filters + f) * outH * outW;
            const xPlane = (n * inC + c) * inH * inW;
            for (let i = 0; i < outH; i++) {
              const y = i * sh + a - ph;
              if (y < 0 || y >= inH) continue;
              for (let j = 0; j < outW; j++) {
                const xx = j * sw + b - pw;
                if (xx < 0 || xx >= inW) continue;
                sum += delta[dPlane + i * outW + j] * x[xPlane + y * inW + xx];
              }
            }
          }
          dw[((f * inC + c) * kh + a) * kw + b] = sum;
        }
      }
    }
    let bsum = 0;
    for (let n = 0; n < batch; n++) {
      const dPlane = (n * filters + f) * outH * outW;
      for (let k = 0; k < outH * outW; k++) bsum += delta[dPlane + k];
    }
    db[f] = bsum;
  }
}

/**
 * 2-D average pooling (PyTorch's AvgPool2d without padding; every window fully inside, so the
 * divisor is always kh·kw).
 *
 *     Y[n,c,i,j]  = (1/(kh·kw)) · Σ_{0≤a<kh, 0≤b<kw} X[n, c, i·sh + a, j·sw + b]
 *     ∂X[n,c,y,x] = (1/(kh·kw)) · Σ_{i,j whose window holds (y,x)} δ[n,c,i,j]
 *     outH = floor((inH − kh)/sh) + 1, likewise outW
 *
 * Layouts: x, dx [batch, channels, inH, inW]; y, delta [batch, channels, outH, outW].
 * Forward overwrites y; backward overwrites dx (0 where no window covers an input).
 */
import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { windowOutput } from './conv_shape.js';

export function avgPool2dForward(
  y: FloatArray,
  x: FloatArray,
  batch: number,
  channels: number,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
): void {
  const { outH, outW } = windowOutput('avgPool2dForward', { batch, channels }, inH, inW, kh, kw, sh, sw);
  checkLength('avgPool2dForward y', y, batch * channels * outH * outW);
  checkLength('avgPool2dForward x', x, batch * channels * inH * inW);
  const inv = 1 / (kh * kw);
  for (let p = 0; p < batch * channels; p++) {
    const xPlane = p * inH * inW;
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        let sum = 0;
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) sum += x[xPlane + (i * sh + a) * inW + (j * sw + b)];
        }
        y[(p * outH + i) * outW + j] = sum * inv;
      }
    }
  }
}

export function avgPool2dBackward(
  dx: FloatArray,
  delta: FloatArray,
  batch: number,
  channels: number,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
): void {
  const { outH, outW } = windowOutput('avgPool2dBackward', { batch, channels }, inH, inW, kh, kw, sh, sw);
  checkLength('avgPool2dBackward dx', dx, batch * channels * inH * inW);
  checkLength('avgPool2dBackward delta', delta, batch * channels * outH * outW);
  const inv = 1 / (kh * kw);
  dx.fill(0, 0, batch * channels * inH * inW);
  for (let p = 0; p < batch * channels; p++) {
    const xPlane = p * inH * inW;
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const g = delta[(p * outH + i) * outW + j] * inv;
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) dx[xPlane + (i * sh + a) * inW + (j * sw + b)] += g;
        }
      }
    }
  }
}

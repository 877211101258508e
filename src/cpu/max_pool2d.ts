/**
 * 2-D max pooling (PyTorch's MaxPool2d without padding or dilation; every window fully inside).
 *
 *     Y[n,c,i,j] = max_{0≤a<kh, 0≤b<kw} X[n, c, i·sh + a, j·sw + b]
 *     outH = floor((inH − kh)/sh) + 1, likewise outW
 *
 * Layouts: x, dx [batch, channels, inH, inW]; y, delta, argmax [batch, channels, outH, outW].
 * argmax holds, per output, the flat index y·inW + x of the chosen input inside its own (n, c)
 * plane (as PyTorch's return_indices). Windows are scanned row-major (a, then b); the first maximum
 * wins on ties (a later equal value does not replace it), as PyTorch on CPU. A NaN is taken as the
 * maximum (so NaN propagates; with several NaNs in a window the last one is chosen, as PyTorch on CPU).
 * Backward sends each δ to its window's arg-max, accumulating where overlapping windows
 * (stride < pool) pick the same input; inputs no window chose get 0.
 */
import { DataError } from '../errors.js';
import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { windowOutput } from './conv_shape.js';

/** Arg-max indices: integers in [0, inH·inW). */
export type IndexArray = Uint32Array | Int32Array;

/** Forward: writes y and argmax. */
export function maxPool2dForward(
  y: FloatArray,
  argmax: IndexArray,
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
  const { outH, outW } = windowOutput('maxPool2dForward', { batch, channels }, inH, inW, kh, kw, sh, sw);
  const outLen = batch * channels * outH * outW;
  checkLength('maxPool2dForward y', y, outLen);
  checkLength('maxPool2dForward argmax', argmax, outLen);
  checkLength('maxPool2dForward x', x, batch * channels * inH * inW);
  for (let p = 0; p < batch * channels; p++) {
    const xPlane = p * inH * inW;
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        let best = x[xPlane + i * sh * inW + j * sw];
        let bestIdx = i * sh * inW + j * sw;
        for (let a = 0; a < kh; a++) {
          for (let b = 0; b < kw; b++) {
            const idx = (i * sh + a) * inW + (j * sw + b);
            const v = x[xPlane + idx];
            if (v > best || Number.isNaN(v)) {
              best = v;
              bestIdx = idx;
            }
          }
        }
        const o = (p * outH + i) * outW + j;
        y[o] = best;
        argmax[o] = bestIdx;
      }
    }
  }
}

/** Backward: dx = scatter-add of delta to the arg-max inputs. Overwrites dx. */
export function maxPool2dBackward(
  dx: FloatArray,
  delta: FloatArray,
  argmax: IndexArray,
  batch: number,
  channels: number,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
): void {
  const { outH, outW } = windowOutput('maxPool2dBackward', { batch, channels }, inH, inW, kh, kw, sh, sw);
  const outLen = batch * channels * outH * outW;
  checkLength('maxPool2dBackward dx', dx, batch * channels * inH * inW);
  checkLength('maxPool2dBackward delta', delta, outLen);
  checkLength('maxPool2dBackward argmax', argmax, outLen);
  dx.fill(0, 0, batch * channels * inH * inW);
  for (let p = 0; p < batch * channels; p++) {
    const xPlane = p * inH * inW;
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const o = (p * outH + i) * outW + j;
        const idx = argmax[o];
        const r = Math.floor(idx / inW);
        const col = idx - r * inW;
        if (!Number.isInteger(idx) || r < i * sh || r >= i * sh + kh || col < j * sw || col >= j * sw + kw) {
          throw new DataError(
            `maxPool2dBackward: argmax[${o}] = ${idx} is not inside its window; pass the indices maxPool2dForward wrote`,
          );
        }
        dx[xPlane + idx] += delta[o];
      }
    }
  }
}

/**
 * Random shift (augmentation): every image of a batch moved by whole pixels, with a fresh offset per
 * image and training step drawn from the same counter-based hash as dropout (src/cpu/dropout.ts):
 *
 *     bits_r = dropoutBits(seed, layer, counter, r)                    (24 uniform bits for image r)
 *     dy_r   = bits_r mod (2·maxY + 1) − maxY
 *     dx_r   = ⌊bits_r / (2·maxY + 1)⌋ mod (2·maxX + 1) − maxX         (each in [−max, max])
 *     y[r, c, i, j] = x[r, c, i − s·dy_r, j − s·dx_r], 0 outside the image
 *
 * s = 1 is the forward shift S; s = −1 its adjoint Sᵀ, the backward pass ∂x = Sᵀ·δ (a pixel that
 * left the image has no gradient). Values are copied, never computed: bit-identical to the kernel
 * (shaders/random_shift.wgsl). Arrays are [rows, channels, height, width], NCHW.
 */
import { ConfigError } from '../errors.js';
import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { dropoutBits } from './dropout.js';

/** Image r's offset [dy, dx] at step `counter` of layer `layer` in a model seeded `seed`. */
export function shiftOffsets(seed: number, layer: number, counter: number, r: number, maxY: number, maxX: number): [number, number] {
  const bits = dropoutBits(seed, layer, counter, r);
  const spanY = 2 * maxY + 1;
  return [(bits % spanY) - maxY, (Math.floor(bits / spanY) % (2 * maxX + 1)) - maxX];
}

export function randomShift(
  y: FloatArray,
  x: FloatArray,
  count: number,
  channels: number,
  height: number,
  width: number,
  maxY: number,
  maxX: number,
  sign: number,
  seed: number,
  layer: number,
  counter: number,
): void {
  if (sign !== 1 && sign !== -1) throw new ConfigError(`randomShift: sign must be 1 (forward) or -1 (backward), got ${sign}`);
  const image = channels * height * width;
  if (!(image > 0) || count % image !== 0) throw new ConfigError(`randomShift: count ${count} is not a whole number of ${channels}×${height}×${width} images`);
  checkLength('randomShift x', x, count);
  checkLength('randomShift y', y, count);
  for (let r = 0; r < count / image; r++) {
    const [dy, dx] = shiftOffsets(seed, layer, counter, r, maxY, maxX);
    for (let c = 0; c < channels; c++) {
      const base = r * image + c * height * width;
      for (let i = 0; i < height; i++) {
        const si = i - sign * dy;
        for (let j = 0; j < width; j++) {
          const sj = j - sign * dx;
          y[base + i * width + j] = si >= 0 && si < height && sj >= 0 && sj < width ? x[base + si * width + sj] : 0;
        }
      }
    }
  }
}

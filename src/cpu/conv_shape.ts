/**
 * Output sizes of convolution and pooling windows (PyTorch's rule), with typed errors.
 *
 *     out = floor((in + 2·pad − kernel) / stride) + 1
 *
 * Refused with ShapeError: a size that is not a finite integer, in < 1, kernel < 1, stride < 1,
 * pad < 0, and a kernel larger than its padded input (in + 2·pad < kernel, which would give no
 * output position). Pooling has no padding: pass pad = 0, so every window lies fully inside.
 */
import { ShapeError } from '../errors.js';

function isInt(v: number): boolean {
  return typeof v === 'number' && Number.isInteger(v);
}

/** Throws ShapeError unless `value` is an integer ≥ `min` (used for batch, channels, filters). */
export function checkDim(name: string, value: number, min: number): void {
  if (!isInt(value) || value < min) {
    throw new ShapeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
}

/** One spatial output size of a convolution or pooling window; see the header for the rule. */
export function convOutputSize(inSize: number, kernel: number, stride: number, pad: number): number {
  checkDim('input size', inSize, 1);
  checkDim('kernel size', kernel, 1);
  checkDim('stride', stride, 1);
  checkDim('padding', pad, 0);
  const padded = inSize + 2 * pad;
  if (padded < kernel) {
    throw new ShapeError(
      `kernel size ${kernel} is larger than the padded input (${inSize} + 2·${pad} = ${padded}); ` +
        `use a smaller kernel, more padding or a larger input`,
    );
  }
  return Math.floor((padded - kernel) / stride) + 1;
}

/**
 * The padding of PyTorch's padding='same' for one axis. Supported only for odd kernels with
 * stride 1, where it is symmetric: pad = (kernel − 1)/2 and out = in. Even kernels (PyTorch pads
 * one more on the right/bottom) and strides > 1 (PyTorch refuses them too) throw ShapeError.
 */
export function samePadding(kernel: number, stride: number): number {
  checkDim('kernel size', kernel, 1);
  checkDim('stride', stride, 1);
  if (stride !== 1) {
    throw new ShapeError(`padding 'same' needs stride 1, got stride ${stride}; give an explicit padding instead`);
  }
  if (kernel % 2 === 0) {
    throw new ShapeError(
      `padding 'same' is supported only for odd kernel sizes, got ${kernel}; give an explicit padding instead`,
    );
  }
  return (kernel - 1) / 2;
}

/**
 * The checks every convolution and pooling twin starts with: the counts in `dims` (named as the
 * function's arguments, e.g. { batch, inC, filters }; batch may be 0, the others ≥ 1), then the
 * output height and width of its windows. Errors name the function: "conv2dForward inC must be …".
 */
export function windowOutput(
  fn: string,
  dims: Record<string, number>,
  inH: number,
  inW: number,
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  ph = 0,
  pw = 0,
): { outH: number; outW: number } {
  for (const [name, value] of Object.entries(dims)) checkDim(`${fn} ${name}`, value, name === 'batch' ? 0 : 1);
  return { outH: convOutputSize(inH, kh, sh, ph), outW: convOutputSize(inW, kw, sw, pw) };
}

// What the layer modules share: checking the numbers of a spec (with errors naming the layer and
// what to do), shape helpers, and the activation invocations of layers whose kernels do not fuse it.
import { ConfigError } from '../errors.js';
import { kindOf, oneOf } from '../options.js';
import type { Invocation, View } from '../plan/types.js';
import { ACTIVATION_ID, ACTIVATIONS, type Activation, type ElementwiseActivation } from '../types.js';
import type { Shape } from './types.js';

/** The most a count (units, filters, a size) may be. */
export const MAX_SIZE = 1 << 24;

/** A whole number from `min` to MAX_SIZE, or a ConfigError naming the layer and the key. */
export function wholeNumber(where: string, key: string, value: unknown, min = 1): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_SIZE) {
    throw new ConfigError(`${where}: ${key} must be a whole number from ${min} to ${MAX_SIZE}, got ${kindOf(value)}`);
  }
  return value;
}

/** `n` or `[h, w]` (PyTorch's int-or-pair), each a whole number ≥ min, as [h, w]. */
export function pair(where: string, key: string, value: unknown, min = 1): [number, number] {
  if (Array.isArray(value)) {
    if (value.length !== 2) throw new ConfigError(`${where}: ${key} must be a number or [height, width], got an array of ${value.length}`);
    return [wholeNumber(where, `${key}[0]`, value[0], min), wholeNumber(where, `${key}[1]`, value[1], min)];
  }
  const n = wholeNumber(where, key, value, min);
  return [n, n];
}

/** A layer's activation and leakyRelu slope (softmax only where `softmaxAllowed`). */
export function activationSpec(where: string, spec: Record<string, unknown>): { activation: Activation; slope: number } {
  const activation = oneOf(`${where} activation`, spec.activation ?? 'linear', ACTIVATIONS);
  const slope = spec.slope ?? 0.01;
  if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new ConfigError(`${where}: slope must be a finite number, got ${kindOf(slope)}`);
  return { activation, slope };
}

/** The number of values of one sample of this shape. */
export const features = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

/** The [channels, height, width] of an image input, or a ConfigError saying how to get one. */
export function imageShape(where: string, inShape: Shape): [number, number, number] {
  if (inShape.length !== 3) {
    throw new ConfigError(
      `${where} needs an image input [channels, height, width], but its input is flat [${inShape.join(', ')}]: ` +
        'give the model inputShape: [channels, height, width] instead of inputSize, and put image layers before any flatten or dense layer',
    );
  }
  return inShape as [number, number, number];
}

/** The element-wise activation a kernel applies (softmax is row-wise: it runs after, on the output). */
export function elementwise(activation: Activation | undefined): ElementwiseActivation {
  return activation === undefined || activation === 'softmax' ? 'linear' : activation;
}

export function activationConstants(activation: ElementwiseActivation, slope: number): Record<string, number> {
  return { ACTIVATION: ACTIVATION_ID[activation], SLOPE: activation === 'leakyRelu' ? slope : 0 };
}

/** δ = ∂ℓ/∂Z ⊙ σ'(U) for `count` values. */
export function activationGrad(activation: ElementwiseActivation, slope: number, dz: View, u: View, delta: View, count: number): Invocation {
  return {
    kernel: 'activationBackward',
    tensors: { dz, u, delta },
    params: { count },
    constants: activationConstants(activation, slope),
    grid: { kind: 'elementwise', count },
  };
}

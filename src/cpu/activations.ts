/** Scalar element-wise activations σ(u) and their derivatives σ'(u), in float64. */
import type { ElementwiseActivation } from '../types.js';

/** Logistic sigmoid 1/(1+e^-u), computed without overflow: for u < 0 it uses e^u/(1+e^u). */
export function sigmoid(u: number): number {
  if (u >= 0) return 1 / (1 + Math.exp(-u));
  const e = Math.exp(u);
  return e / (1 + e);
}

/**
 * σ(u). linear: u; sigmoid: 1/(1+e^-u); tanh; relu: max(u, 0); leakyRelu: u > 0 ? u : slope·u.
 * `slope` is read only by leakyRelu.
 */
export function activate(activation: ElementwiseActivation, u: number, slope: number): number {
  switch (activation) {
    case 'linear':
      return u;
    case 'sigmoid':
      return sigmoid(u);
    case 'tanh':
      return Math.tanh(u);
    case 'relu':
      return u > 0 ? u : 0;
    case 'leakyRelu':
      return u > 0 ? u : slope * u;
    default:
      throw new Error(`unknown activation '${String(activation)}'`);
  }
}

/**
 * σ'(u). linear: 1; sigmoid: s(1−s); tanh: 1−tanh²; relu: u > 0 ? 1 : 0;
 * leakyRelu: u > 0 ? 1 : slope. At the kink u = 0 both ReLUs take the left-hand value.
 */
export function activateDerivative(activation: ElementwiseActivation, u: number, slope: number): number {
  switch (activation) {
    case 'linear':
      return 1;
    case 'sigmoid': {
      const s = sigmoid(u);
      return s * (1 - s);
    }
    case 'tanh': {
      const t = Math.tanh(u);
      return 1 - t * t;
    }
    case 'relu':
      return u > 0 ? 1 : 0;
    case 'leakyRelu':
      return u > 0 ? 1 : slope;
    default:
      throw new Error(`unknown activation '${String(activation)}'`);
  }
}

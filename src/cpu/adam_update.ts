import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { preparedGradient } from './optimizer_gradient.js';

/**
 * Adam (decoupled = false) or AdamW (decoupled = true), in place, for i < count, as PyTorch computes
 * them; stepSize, bc2Sqrt and decay are this step's scalars from adamStepScalars:
 *   AdamW only: w[i] := decay · w[i]   (decay = 1 − lr·λ), and the gradient gets no λ·w term
 *   d    = scale · g[i] + λ · w[i]      (λ = weightDecay for Adam; 0 for AdamW)
 *   m[i] := beta1 · m[i] + (1 − beta1) · d
 *   v[i] := beta2 · v[i] + (1 − beta2) · d²
 *   w[i] := w[i] − stepSize · m[i] / (√v[i] / bc2Sqrt + epsilon)
 * So weightDecay is ignored when decoupled, and decay is ignored when not. scale is the clipping
 * factor (1 without clipping); m and v start at zero.
 */
export function adamUpdate(
  w: FloatArray,
  m: FloatArray,
  v: FloatArray,
  g: FloatArray,
  count: number,
  stepSize: number,
  bc2Sqrt: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  weightDecay: number,
  decay: number,
  decoupled: boolean,
  scale: number,
): void {
  checkLength('adamUpdate w', w, count);
  checkLength('adamUpdate m', m, count);
  checkLength('adamUpdate v', v, count);
  checkLength('adamUpdate g', g, count);
  const lambda = decoupled ? 0 : weightDecay;
  for (let i = 0; i < count; i++) {
    let param = w[i];
    if (decoupled) param *= decay;
    const d = preparedGradient(g[i], param, scale, lambda);
    const first = beta1 * m[i] + (1 - beta1) * d;
    const second = beta2 * v[i] + (1 - beta2) * d * d;
    m[i] = first;
    v[i] = second;
    w[i] = param - (stepSize * first) / (Math.sqrt(second) / bc2Sqrt + epsilon);
  }
}

/** The per-step scalars of Adam/AdamW for step t (counted from 1), in float64. */
export interface AdamStepScalars {
  /** lr / (1 − beta1^t) */
  stepSize: number;
  /** sqrt(1 − beta2^t) */
  bc2Sqrt: number;
  /** 1 − lr · weightDecay (AdamW's decoupled decay factor) */
  decay: number;
}

/**
 * What the engines put into the step uniform (shaders/lib/step.wgsl) for Adam/AdamW at step t ≥ 1
 * with this step's learning rate lr.
 */
export function adamStepScalars(lr: number, beta1: number, beta2: number, t: number, weightDecay: number): AdamStepScalars {
  if (!Number.isInteger(t) || t < 1) throw new RangeError(`adamStepScalars: step t must be an integer ≥ 1, got ${t}`);
  return {
    stepSize: lr / (1 - Math.pow(beta1, t)),
    bc2Sqrt: Math.sqrt(1 - Math.pow(beta2, t)),
    decay: 1 - lr * weightDecay,
  };
}

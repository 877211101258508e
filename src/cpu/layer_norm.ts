/**
 * Layer normalisation over each row's `features` values (PyTorch's LayerNorm over the whole
 * sample, elementwise_affine = true):
 *
 *     mean = (1/F) Σ_k x_k,  var = (1/F) Σ_k (x_k − mean)²  (biased),  rstd = 1/sqrt(var + ε)
 *     x̂ = (x − mean) · rstd,   y = γ ⊙ x̂ + β
 *
 * Backward, with g = γ ⊙ ∂y per row:
 *
 *     ∂x = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂))
 *     ∂γ = Σ_rows ∂y ⊙ x̂,   ∂β = Σ_rows ∂y
 *
 * Layouts: x, y, dy, dx [rows, features]; gamma, beta, dgamma, dbeta [features]; mean, rstd [rows].
 * Forward overwrites y, mean and rstd (the two per-row statistics backward reads; x̂ is recomputed
 * from x). Backward is two functions, as on the GPU: layerNormBackwardInput overwrites dx (a
 * reduction along each row), layerNormBackwardParams overwrites dgamma and dbeta (a sum over rows
 * per feature). Variance is two-pass (mean first). One function per kernel (shaders/layer_norm_*.wgsl);
 * these sum in float64 in index order, the kernels in f32 in a tree, so they agree to rounding.
 */
import { ConfigError } from '../errors.js';
import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';
import { checkDim } from './conv_shape.js';

export function layerNormForward(
  y: FloatArray,
  mean: FloatArray,
  rstd: FloatArray,
  x: FloatArray,
  gamma: FloatArray,
  beta: FloatArray,
  rows: number,
  features: number,
  epsilon: number,
): void {
  checkDim('layerNormForward rows', rows, 0);
  checkDim('layerNormForward features', features, 1);
  if (!(epsilon >= 0 && Number.isFinite(epsilon))) {
    throw new ConfigError(`layerNormForward: epsilon must be a finite number ≥ 0, got ${epsilon}`);
  }
  checkLength('layerNormForward y', y, rows * features);
  checkLength('layerNormForward mean', mean, rows);
  checkLength('layerNormForward rstd', rstd, rows);
  checkLength('layerNormForward x', x, rows * features);
  checkLength('layerNormForward gamma', gamma, features);
  checkLength('layerNormForward beta', beta, features);
  for (let r = 0; r < rows; r++) {
    const row = r * features;
    let sum = 0;
    for (let k = 0; k < features; k++) sum += x[row + k];
    const m = sum / features;
    let sq = 0;
    for (let k = 0; k < features; k++) {
      const d = x[row + k] - m;
      sq += d * d;
    }
    const rs = 1 / Math.sqrt(sq / features + epsilon);
    mean[r] = m;
    rstd[r] = rs;
    for (let k = 0; k < features; k++) y[row + k] = gamma[k] * ((x[row + k] - m) * rs) + beta[k];
  }
}

/** The layerNormBackwardInput kernel: ∂x = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)), g = γ ⊙ ∂y. Overwrites dx. */
export function layerNormBackwardInput(
  dx: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  gamma: FloatArray,
  mean: FloatArray,
  rstd: FloatArray,
  rows: number,
  features: number,
): void {
  checkDim('layerNormBackwardInput rows', rows, 0);
  checkDim('layerNormBackwardInput features', features, 1);
  checkLength('layerNormBackwardInput dx', dx, rows * features);
  checkLength('layerNormBackwardInput dy', dy, rows * features);
  checkLength('layerNormBackwardInput x', x, rows * features);
  checkLength('layerNormBackwardInput gamma', gamma, features);
  checkLength('layerNormBackwardInput mean', mean, rows);
  checkLength('layerNormBackwardInput rstd', rstd, rows);
  for (let r = 0; r < rows; r++) {
    const row = r * features;
    const m = mean[r];
    const rs = rstd[r];
    let sumG = 0;
    let sumGXhat = 0;
    for (let k = 0; k < features; k++) {
      const g = gamma[k] * dy[row + k];
      sumG += g;
      sumGXhat += g * ((x[row + k] - m) * rs);
    }
    const meanG = sumG / features;
    const meanGXhat = sumGXhat / features;
    for (let k = 0; k < features; k++) {
      const xhat = (x[row + k] - m) * rs;
      dx[row + k] = rs * (gamma[k] * dy[row + k] - meanG - xhat * meanGXhat);
    }
  }
}

/** The layerNormBackwardParams kernel: ∂γ = Σ_rows ∂y ⊙ x̂, ∂β = Σ_rows ∂y, rows summed in order. Overwrites dgamma, dbeta. */
export function layerNormBackwardParams(
  dgamma: FloatArray,
  dbeta: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  mean: FloatArray,
  rstd: FloatArray,
  rows: number,
  features: number,
): void {
  checkDim('layerNormBackwardParams rows', rows, 0);
  checkDim('layerNormBackwardParams features', features, 1);
  checkLength('layerNormBackwardParams dgamma', dgamma, features);
  checkLength('layerNormBackwardParams dbeta', dbeta, features);
  checkLength('layerNormBackwardParams dy', dy, rows * features);
  checkLength('layerNormBackwardParams x', x, rows * features);
  checkLength('layerNormBackwardParams mean', mean, rows);
  checkLength('layerNormBackwardParams rstd', rstd, rows);
  for (let k = 0; k < features; k++) {
    let sg = 0;
    let sb = 0;
    for (let r = 0; r < rows; r++) {
      const d = dy[r * features + k];
      sg += d * ((x[r * features + k] - mean[r]) * rstd[r]);
      sb += d;
    }
    dgamma[k] = sg;
    dbeta[k] = sb;
  }
}

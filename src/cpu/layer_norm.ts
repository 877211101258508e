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
 * from x). Backward overwrites dx, dgamma and dbeta. Variance is two-pass (mean first).
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

export function layerNormBackward(
  dx: FloatArray,
  dgamma: FloatArray,
  dbeta: FloatArray,
  dy: FloatArray,
  x: FloatArray,
  mean: FloatArray,
  rstd: FloatArray,
  gamma: FloatArray,
  rows: number,
  features: number,
): void {
  checkDim('layerNormBackward rows', rows, 0);
  checkDim('layerNormBackward features', features, 1);
  checkLength('layerNormBackward dx', dx, rows * features);
  checkLength('layerNormBackward dgamma', dgamma, features);
  checkLength('layerNormBackward dbeta', dbeta, features);
  checkLength('layerNormBackward dy', dy, rows * features);
  checkLength('layerNormBackward x', x, rows * features);
  checkLength('layerNormBackward mean', mean, rows);
  checkLength('layerNormBackward rstd', rstd, rows);
  checkLength('layerNormBackward gamma', gamma, features);
  dgamma.fill(0, 0, features);
  dbeta.fill(0, 0, features);
  for (let r = 0; r < rows; r++) {
    const row = r * features;
    const m = mean[r];
    const rs = rstd[r];
    let sumG = 0;
    let sumGXhat = 0;
    for (let k = 0; k < features; k++) {
      const xhat = (x[row + k] - m) * rs;
      const g = gamma[k] * dy[row + k];
      sumG += g;
      sumGXhat += g * xhat;
      dgamma[k] += dy[row + k] * xhat;
      dbeta[k] += dy[row + k];
    }
    const meanG = sumG / features;
    const meanGXhat = sumGXhat / features;
    for (let k = 0; k < features; k++) {
      const xhat = (x[row + k] - m) * rs;
      dx[row + k] = rs * (gamma[k] * dy[row + k] - meanG - xhat * meanGXhat);
    }
  }
}

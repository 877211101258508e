// How many workgroups each kernel needs for given sizes (its shader header states the same rule).

import { matmulTile, type MatmulConfig, type MatmulCore } from './sources';

/** Matrix kernels: one workgroup per output tile of the core's size. */
export function matmulWorkgroups(rows: number, cols: number, config: MatmulConfig | MatmulCore): [number, number, number] {
  const tile = matmulTile(config);
  return [Math.ceil(cols / tile), Math.ceil(rows / tile), 1];
}

/**
 * Grid-stride element-wise kernels: 256 invocations per workgroup, at most `limit` workgroups
 * (the context's gridWorkgroups: many on a GPU, a few busy ones on a CPU adapter).
 */
export function elementwiseWorkgroups(count: number, limit = 4096): [number, number, number] {
  return [Math.max(1, Math.min(limit, Math.ceil(count / 256))), 1, 1];
}

/** The optimizers (sgd_update, momentum_update): grid-stride over count / 4 vec4 quads. */
export function optimizerWorkgroups(count: number, limit = 4096): [number, number, number] {
  return elementwiseWorkgroups(Math.ceil(count / 4), limit);
}

/**
 * gather_rows: enough 256-wide workgroups to span a row (at most 16), and as many rows of
 * workgroups as `limit` workgroups allow (at most one per batch row), each striding over the rows.
 */
export function gatherWorkgroups(rows: number, cols: number, limit = 4096): [number, number, number] {
  const x = Math.min(16, Math.ceil(cols / 256));
  return [x, Math.max(1, Math.min(rows, Math.floor(limit / x))), 1];
}

/** One invocation per item (row or column), 64 per workgroup. */
export function perItemWorkgroups(items: number): [number, number, number] {
  return [Math.max(1, Math.ceil(items / 64)), 1, 1];
}

/** Kernels that reduce inside a single workgroup (the losses). */
export const SINGLE_WORKGROUP: [number, number, number] = [1, 1, 1];

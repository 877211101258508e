// How many workgroups each kernel needs for given sizes (its shader header states the same rule).

import { matmulTile, type MatmulConfig, type MatmulCore } from './sources';

/** Matrix kernels: one workgroup per output tile of the core's size. */
export function matmulWorkgroups(rows: number, cols: number, config: MatmulConfig | MatmulCore): [number, number, number] {
  const tile = matmulTile(config);
  return [Math.ceil(cols / tile), Math.ceil(rows / tile), 1];
}

/** Grid-stride element-wise kernels: 256 invocations per workgroup, at most 4096 workgroups. */
export function elementwiseWorkgroups(count: number): [number, number, number] {
  return [Math.max(1, Math.min(4096, Math.ceil(count / 256))), 1, 1];
}

/**
 * gather_rows: enough 256-wide workgroups to span a row (at most 16), and at most 64 rows of
 * workgroups, each striding over the batch rows (few, busy workgroups suit CPU adapters too).
 */
export function gatherWorkgroups(rows: number, cols: number): [number, number, number] {
  return [Math.min(16, Math.ceil(cols / 256)), Math.max(1, Math.min(rows, 64)), 1];
}

/** One invocation per item (row or column), 64 per workgroup. */
export function perItemWorkgroups(items: number): [number, number, number] {
  return [Math.max(1, Math.ceil(items / 64)), 1, 1];
}

/** Kernels that reduce inside a single workgroup (the losses). */
export const SINGLE_WORKGROUP: [number, number, number] = [1, 1, 1];

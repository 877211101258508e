// How many workgroups each kernel needs for given sizes (its shader header states the same rule).

import { matmulConfig, type MatmulConfig, type MatmulCore } from './sources.js';

export interface MatmulLaunch {
  /** The core to compile the kernel with (the configured one, or 'register' where a quad has no use). */
  core: MatmulCore;
  /** Override constants of the matmul core for this shape (none for the shared and tiled cores). */
  constants: Record<string, number | boolean>;
  workgroups: [number, number, number];
}

/**
 * How to run a matmul-core kernel (matmul, dense_forward, dense_backward_input,
 * dense_backward_weights) for an output of rows × cols and depth K.
 * - Shared core: 16×16 workgroups over 64×64 tiles; tiled core: 16×16 workgroups over 128×128 tiles.
 * - Register core: 16×16 blocks per invocation, workgroups of the configured side, but one
 *   invocation wide when the output is at most one block wide, so no SIMD lane is left without a
 *   block (lanes run along x: a short output only idles whole SIMD groups, which cost nothing, so
 *   the height stays and such products share pipelines with the tall ones); the partial-k code
 *   only when K is not a multiple of 4.
 * - Quad core: as the register core (its workgroup side a multiple of 4), but the register core
 *   for an output one block wide.
 */
export function matmulLaunch(config: MatmulConfig | MatmulCore, rows: number, cols: number, K: number): MatmulLaunch {
  const c = matmulConfig(config);
  if (c.core === 'shared') return { core: 'shared', constants: {}, workgroups: [Math.ceil(cols / 64), Math.ceil(rows / 64), 1] };
  if (c.core === 'tiled') return { core: 'tiled', constants: {}, workgroups: [Math.ceil(cols / 128), Math.ceil(rows / 128), 1] };
  // An output one block wide leaves a quad's lanes nothing to share: the plain register core then.
  const core = c.core === 'quad' && cols <= 16 ? 'register' : c.core;
  const x = cols <= 16 ? 1 : c.workgroup;
  const y = c.workgroup;
  return {
    core,
    constants: { MM_WG_X: x, MM_WG_Y: y, K_TAIL: K % 4 !== 0 },
    workgroups: [Math.ceil(cols / (16 * x)), Math.ceil(rows / (16 * y)), 1],
  };
}

/**
 * Grid-stride element-wise kernels (also gather_rows over rows · cols elements and
 * gather_rows_vec4 over rows · cols / 4 quads): 256 invocations per workgroup, at most `limit` workgroups
 * (the context's gridWorkgroups: many on a GPU, a few busy ones on a CPU adapter).
 */
export function elementwiseWorkgroups(count: number, limit = 4096): [number, number, number] {
  return [Math.max(1, Math.min(limit, Math.ceil(count / 256))), 1, 1];
}

/** The optimizers (sgd_update, momentum_update): grid-stride over count / 4 vec4 quads. */
export function optimizerWorkgroups(count: number, limit = 4096): [number, number, number] {
  return elementwiseWorkgroups(Math.ceil(count / 4), limit);
}

/** One invocation per item (row or column), 64 per workgroup. */
export function perItemWorkgroups(items: number): [number, number, number] {
  return [Math.max(1, Math.ceil(items / 64)), 1, 1];
}

/**
 * One workgroup (of the kernel's own size) per item, each reducing inside itself, at most `limit`
 * workgroups; beyond that each workgroup strides over items (item += numWorkgroups).
 */
export function workgroupPerItemWorkgroups(count: number, limit = 4096): [number, number, number] {
  return [Math.max(1, Math.min(limit, count)), 1, 1];
}

/** Kernels that reduce inside a single workgroup (the losses). */
export const SINGLE_WORKGROUP: [number, number, number] = [1, 1, 1];

/** How grad_norm_partial runs: its grid and the number of partial sums it writes (one per workgroup). */
export interface GradNormLaunch {
  workgroups: [number, number, number];
  /** Partial sums written, = workgroups[0]: the `partial` buffer's length and grad_norm_scale's params.parts. */
  parts: number;
}

/**
 * grad_norm_partial over count parameters: 256 invocations per workgroup grid-striding over
 * count / 4 quads, one workgroup per 8192 quads (32 loads per invocation) up to `limit` (at most
 * 256, so grad_norm_scale's single workgroup adds one partial per invocation). One workgroup per
 * 256 quads cost 27 ms a step on SwiftShader for a 784-128-10 net (100 workgroups, each paying its
 * barriers), against nothing measurable with 4; a GPU reaches 256 partials from 2M quads (8M
 * parameters) on. A function of count alone, so both engines' plans carry the same number. The
 * grid fixes the order of the sums: the same count gives bit-identical norms.
 */
export function gradNormWorkgroups(count: number, limit = 256, quadsPerPart = 8192): GradNormLaunch {
  const parts = Math.max(1, Math.min(limit, 256, Math.ceil(Math.ceil(count / 4) / quadsPerPart)));
  return { workgroups: [parts, 1, 1], parts };
}

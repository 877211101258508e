// The matrix-product core a context compiles its matmul kernels with, and what the start-up
// autotune reports: plain types and constants, so that the device layer (context.ts) can hold the
// choice without importing the kernels (src/kernels/sources.ts re-exports them) or the tuning layer.

/**
 * The matrix-product cores behind matmul, dense_forward, dense_backward_input and
 * dense_backward_weights:
 * - 'shared' stages tiles in workgroup memory (GPUs): 64×64 tiles, 4×4 outputs per invocation;
 * - 'tiled' the same with 128×128 tiles and 8×8 outputs per invocation, read from workgroup memory
 *   as vec4 (GPUs with many registers per invocation, such as desktop NVIDIA and AMD GPUs);
 * - 'register' computes 16×16 blocks per invocation straight from the buffers, four steps of k at a
 *   time (CPU implementations such as SwiftShader);
 * - 'quad' is 'register' with the rows of A shared by the four invocations of a quad through
 *   quadBroadcast (needs the 'subgroups' feature; src/tuning/quad_probe.ts checks the lane order).
 */
export type MatmulCore = 'shared' | 'tiled' | 'register' | 'quad';

/**
 * A matmul core and its workgroup side (workgroups of workgroup × workgroup invocations, as
 * MM_WG_X / MM_WG_Y overrides). The shared and tiled cores' tiles are written for 16; the register
 * core takes any side; the quad core a multiple of 4.
 */
export interface MatmulConfig {
  core: MatmulCore;
  workgroup: number;
}

/** Workgroup sides each core may be compiled with (the autotune's choices). */
export const CORE_WORKGROUPS: Record<MatmulCore, readonly number[]> = { shared: [16], tiled: [16], register: [2, 4, 8], quad: [4, 8] };
export const DEFAULT_MATMUL: Record<MatmulCore, MatmulConfig> = {
  shared: { core: 'shared', workgroup: 16 },
  tiled: { core: 'tiled', workgroup: 16 },
  register: { core: 'register', workgroup: 4 },
  quad: { core: 'quad', workgroup: 4 },
};

export function matmulConfig(config: MatmulConfig | MatmulCore): MatmulConfig {
  return typeof config === 'string' ? DEFAULT_MATMUL[config] : config;
}

export interface TuneTrial {
  config: MatmulConfig;
  /** Median ms of one trial round (both timed products), or null when the result was wrong. */
  ms: number | null;
}

/** What the start-up autotune (src/tuning/autotune.ts) timed and chose. */
export interface TuneResult {
  /** The configuration the context now uses. */
  matmul: MatmulConfig;
  /** What was timed (empty when the choice came from the cache). */
  trials: TuneTrial[];
  /** True when no trial ran: the choice was cached for this adapter. */
  cached: boolean;
  /** Wall time the autotune took, compilation included. */
  ms: number;
  /** The trial size: products of n×n by n×n. */
  size: number;
}

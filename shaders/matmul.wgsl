// matmul: C = op(A) · op(B), the plain product, for any transpose combination (TRANS_A, TRANS_B
// overrides). Training does not dispatch it (dense_backward_weights computes dW = δᵀ · X with its
// bias sums); the autotune (src/tuning/autotune.ts), bench/matmul.ts and the tests time and check
// the cores through it.
// Bindings: params {M, N, K}; a: A as stored ([M,K] or [K,M]); b: B as stored ([K,N] or [N,K]);
//           c: C [M, N], written (overwritten), not accumulated.
// Dispatch: workgroups of MM_WG_X × MM_WG_Y invocations over tiles of MM_WG_Y·MM_ROWS rows ×
// MM_WG_X·MM_COLS columns (matmulLaunch in src/kernels/workgroups.ts).
// Libraries appended (src/kernels/sources.ts, kernelSource): one matmul core, as the context
// picked it: 'shared' lib/matmul_shared.wgsl + lib/matmul_elements.wgsl; 'tiled'
// lib/matmul_tiled.wgsl + lib/matmul_elements.wgsl; 'register' lib/matmul_register.wgsl +
// lib/matmul_rows_own.wgsl; 'quad' lib/matmul_register.wgsl + lib/matmul_rows_quad.wgsl (after
// `enable subgroups;` and `diagnostic(off, subgroup_uniformity);`); then lib/matmul_layout.wgsl.
struct Params { M: u32, N: u32, K: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

fn loadA(i: u32) -> f32 { return a[i]; }
fn loadB(i: u32) -> f32 { return b[i]; }

fn mmStore(row: u32, col: u32, v: vec4f) {
  if (row >= params.M) { return; }
  let i = row * params.N + col;
  if (col + 4u <= params.N) {
    c[i] = v.x; c[i + 1u] = v.y; c[i + 2u] = v.z; c[i + 3u] = v.w;
    return;
  }
  for (var t = 0u; col + t < params.N; t++) {
    c[i + t] = v[t];
  }
}

// The plain product has no row sums (ROW_SUMS stays false; dense_backward_weights has them).
fn mmRowSum(row: u32, sum: f32) {}

@compute @workgroup_size(MM_WG_X, MM_WG_Y)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  matmulBlock(wg.xy, lid.xy, params.M, params.N, params.K);
}

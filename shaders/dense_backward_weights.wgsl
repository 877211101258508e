// dense_backward_weights: one dense layer's parameter gradients in one pass over δ:
// dW = δᵀ · X and db = Σ_batch δ (the bias gradient: the row sums of δᵀ, which the matmul core
// adds up from the same loads of δ that feed the product).
// No normalisation here: δ already carries the loss's 1/B or 1/(B·n) factor.
// Bindings: params {batch, nIn, nOut}; delta: δ [batch, nOut]; x: the layer's input X [batch, nIn];
//           dw: dW [nOut, nIn] and db: [nOut], both written (not accumulated).
// Overrides: TRANS_A and ROW_SUMS must be true (δ is read as δᵀ, and the sums are wanted).
// Dispatch: workgroups of MM_WG_X × MM_WG_Y invocations over tiles of MM_WG_Y·MM_ROWS rows ×
// MM_WG_X·MM_COLS columns of dW (matmulLaunch in src/kernels/workgroups.ts, for nOut × nIn, depth
// batch).
// Libraries appended (src/kernels/sources.ts, kernelSource): one matmul core, as the context
// picked it: 'shared' lib/matmul_shared.wgsl + lib/matmul_elements.wgsl; 'tiled'
// lib/matmul_tiled.wgsl + lib/matmul_elements.wgsl; 'register' lib/matmul_register.wgsl +
// lib/matmul_rows_own.wgsl; 'quad' lib/matmul_register.wgsl + lib/matmul_rows_quad.wgsl (after
// `enable subgroups;` and `diagnostic(off, subgroup_uniformity);`); then lib/matmul_layout.wgsl.
struct Params { batch: u32, nIn: u32, nOut: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;
@group(0) @binding(4) var<storage, read_write> db: array<f32>;

fn loadA(i: u32) -> f32 { return delta[i]; }
fn loadB(i: u32) -> f32 { return x[i]; }

fn mmStore(row: u32, col: u32, v: vec4f) {
  if (row >= params.nOut) { return; }
  let i = row * params.nIn + col;
  if (col + 4u <= params.nIn) {
    dw[i] = v.x; dw[i + 1u] = v.y; dw[i + 2u] = v.z; dw[i + 3u] = v.w;
    return;
  }
  for (var t = 0u; col + t < params.nIn; t++) {
    dw[i + t] = v[t];
  }
}

fn mmRowSum(row: u32, sum: f32) {
  db[row] = sum;
}

@compute @workgroup_size(MM_WG_X, MM_WG_Y)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  matmulBlock(wg.xy, lid.xy, params.nOut, params.nIn, params.batch);
}

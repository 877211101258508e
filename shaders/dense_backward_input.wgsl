// dense_backward_input: backprop of δ through one dense layer, fused with the previous layer's
// activation derivative: δ_prev = (δ · W) ⊙ σ'(U_prev). With ACTIVATION = linear (0) it is δ · W,
// ∂ℓ/∂X, the gradient with respect to the network input (uPrev is then bound but not read).
// Bindings: params {batch, nIn, nOut}; delta: δ of this layer [batch, nOut]; w: W [nOut, nIn];
//           uPrev: U of the previous layer [batch, nIn];
//           deltaPrev: δ of the previous layer (or ∂ℓ/∂X) [batch, nIn], written.
// Overrides: ACTIVATION, SLOPE of the previous layer (lib/activation.wgsl).
// Dispatch: workgroups of MM_WG_X × MM_WG_Y invocations over tiles of MM_WG_Y·MM_ROWS rows ×
// MM_WG_X·MM_COLS columns (matmulLaunch in src/kernels/workgroups.ts).
// Libraries appended (src/kernels/sources.ts, kernelSource): lib/activation.wgsl, then one matmul
// core, as the context picked it: 'shared' lib/matmul_shared.wgsl + lib/matmul_elements.wgsl;
// 'tiled' lib/matmul_tiled.wgsl + lib/matmul_elements.wgsl; 'register' lib/matmul_register.wgsl +
// lib/matmul_rows_own.wgsl; 'quad' lib/matmul_register.wgsl + lib/matmul_rows_quad.wgsl (after
// `enable subgroups;` and `diagnostic(off, subgroup_uniformity);`); then lib/matmul_layout.wgsl.
struct Params { batch: u32, nIn: u32, nOut: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> uPrev: array<f32>;
@group(0) @binding(4) var<storage, read_write> deltaPrev: array<f32>;

fn loadA(i: u32) -> f32 { return delta[i]; }
fn loadB(i: u32) -> f32 { return w[i]; }

fn storeGrad(i: u32, g: f32) {
  if (ACTIVATION != 0u) {
    deltaPrev[i] = g * activateGrad(uPrev[i]);
  } else {
    deltaPrev[i] = g;
  }
}

fn mmStore(row: u32, col: u32, v: vec4f) {
  if (row >= params.batch) { return; }
  let i = row * params.nIn + col;
  if (col + 4u <= params.nIn) {
    storeGrad(i, v.x); storeGrad(i + 1u, v.y); storeGrad(i + 2u, v.z); storeGrad(i + 3u, v.w);
    return;
  }
  for (var t = 0u; col + t < params.nIn; t++) {
    storeGrad(i + t, v[t]);
  }
}

// No row sums here (ROW_SUMS stays false).
fn mmRowSum(row: u32, sum: f32) {}

@compute @workgroup_size(MM_WG_X, MM_WG_Y)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  matmulBlock(wg.xy, lid.xy, params.batch, params.nIn, params.nOut);
}

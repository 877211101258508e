// dense_forward: one dense layer's forward pass, fused: U = X · Wᵀ + b, Z = σ(U).
// Bindings: params {batch, nIn, nOut}; x: X [batch, nIn]; w: W [nOut, nIn]; bias: b [nOut];
//           u: U [batch, nOut] and z: Z [batch, nOut], both written. U is kept for σ'(U) in backprop.
// Overrides: ACTIVATION, SLOPE (lib/activation.wgsl); TRANS_B must be true (W is read as Wᵀ).
// Dispatch: workgroups of MM_WG_X × MM_WG_Y invocations over tiles of MM_WG_Y·MM_ROWS rows ×
// MM_WG_X·MM_COLS columns (matmulLaunch in src/kernels/workgroups.ts).
// Libraries appended (src/kernels/sources.ts, kernelSource): lib/activation.wgsl, then one matmul
// core, as the context picked it: 'shared' lib/matmul_shared.wgsl + lib/matmul_elements.wgsl;
// 'tiled' lib/matmul_tiled.wgsl + lib/matmul_elements.wgsl; 'register' lib/matmul_register.wgsl +
// lib/matmul_rows_own.wgsl; 'quad' lib/matmul_register.wgsl + lib/matmul_rows_quad.wgsl (after
// `enable subgroups;` and `diagnostic(off, subgroup_uniformity);`); then lib/matmul_layout.wgsl.
struct Params { batch: u32, nIn: u32, nOut: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> u: array<f32>;
@group(0) @binding(5) var<storage, read_write> z: array<f32>;

fn loadA(i: u32) -> f32 { return x[i]; }
fn loadB(i: u32) -> f32 { return w[i]; }

fn storeOutput(i: u32, pre: f32) {
  u[i] = pre;
  z[i] = activate(pre);
}

fn mmStore(row: u32, col: u32, v: vec4f) {
  if (row >= params.batch) { return; }
  let i = row * params.nOut + col;
  if (col + 4u <= params.nOut) {
    let pre = v + vec4f(bias[col], bias[col + 1u], bias[col + 2u], bias[col + 3u]);
    storeOutput(i, pre.x); storeOutput(i + 1u, pre.y); storeOutput(i + 2u, pre.z); storeOutput(i + 3u, pre.w);
    return;
  }
  for (var t = 0u; col + t < params.nOut; t++) {
    storeOutput(i + t, v[t] + bias[col + t]);
  }
}

// No row sums here (ROW_SUMS stays false).
fn mmRowSum(row: u32, sum: f32) {}

@compute @workgroup_size(MM_WG_X, MM_WG_Y)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  matmulBlock(wg.xy, lid.xy, params.batch, params.nOut, params.nIn);
}

// conv2d_gemm_forward: a convolution's forward pass on the matmul cores over its patch matrix
// (im2col.wgsl), stored straight into the layers' NCHW layout:
//   U[n, f, p] = Σ_k cols[n·pixels + p, k] · W[f, k] + b[f],   Z = σ(U)
// for rows m = n·pixels + p of cols [batch·pixels, nIn] (nIn = inC·kh·kw) and W [nOut = filters,
// nIn]: dense_forward's product with its output rows scattered from [m, f] to (n·nOut + f)·pixels + p
// (one division per stored quad), which saves two transposes of U and Z.
// Bindings: params {batch (= rows·pixels), nIn, nOut, pixels}; x: cols; w: W; bias: b [nOut];
//           u: U and z: Z [rows, nOut, pixels], both written (with a linear activation the engine
//           binds z to scratch and reads Z from U).
// Overrides: ACTIVATION, SLOPE (lib/activation.wgsl); TRANS_B must be true.
// Dispatch: matmulLaunch for batch × nOut over depth nIn (src/kernels/workgroups.ts).
// Libraries appended (src/kernels/sources.ts, kernelSource): lib/activation.wgsl, one matmul core
// and lib/matmul_layout.wgsl, as for dense_forward.
struct Params { batch: u32, nIn: u32, nOut: u32, pixels: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> u: array<f32>;
@group(0) @binding(5) var<storage, read_write> z: array<f32>;

fn loadA(i: u32) -> f32 { return x[i]; }
fn loadB(i: u32) -> f32 { return w[i]; }

fn mmStore(row: u32, col: u32, v: vec4f) {
  if (row >= params.batch) { return; }
  let n = row / params.pixels;
  let base = n * params.nOut * params.pixels + (row - n * params.pixels);
  for (var t = 0u; t < 4u && col + t < params.nOut; t++) {
    let pre = v[t] + bias[col + t];
    let i = base + (col + t) * params.pixels;
    u[i] = pre;
    z[i] = activate(pre);
  }
}

// The core's row-sum hook (ROW_SUMS is false here).
fn mmRowSum(row: u32, sum: f32) {}

@compute @workgroup_size(MM_WG_X, MM_WG_Y)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  matmulBlock(wg.xy, lid.xy, params.batch, params.nOut, params.nIn);
}

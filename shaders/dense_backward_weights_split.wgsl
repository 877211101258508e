// dense_backward_weights_split: dense_backward_weights with the sum over rows split into chunks
// (split-K), one chunk per workgroup layer z: for chunk z of `chunk` rows (the last may be short),
//   dwParts[z·partStride + o·nIn + i] = Σ_{r in chunk z} δ[r, o] · X[r, i]
//   dbParts[z·biasStride + o]         = Σ_{r in chunk z} δ[r, o]
// sum_parts.wgsl then adds the parts, z ascending. For products whose output is small and whose
// depth is long (a convolution's ∂W = δᵀ·cols: 8×25 outputs over 36,864 rows), where the plain
// kernel has a handful of invocations each walking every row.
// Bindings: params {rows, chunk, nIn, nOut, partStride, biasStride}; delta: δ [rows, nOut];
//           x: X [rows, nIn]; dwParts: [parts, partStride] and dbParts: [parts, biasStride], written.
// Overrides: TRANS_A and ROW_SUMS must be true.
// Dispatch: matmulLaunch for nOut × nIn over depth `chunk`, with ceil(rows/chunk) layers in z.
// Libraries appended: one matmul core and lib/matmul_layout.wgsl, as for dense_backward_weights.
struct Params { rows: u32, chunk: u32, nIn: u32, nOut: u32, partStride: u32, biasStride: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> dwParts: array<f32>;
@group(0) @binding(4) var<storage, read_write> dbParts: array<f32>;

var<private> part: u32;

fn loadA(i: u32) -> f32 { return delta[part * params.chunk * params.nOut + i]; }
fn loadB(i: u32) -> f32 { return x[part * params.chunk * params.nIn + i]; }

fn mmStore(row: u32, col: u32, v: vec4f) {
  if (row >= params.nOut) { return; }
  let i = part * params.partStride + row * params.nIn + col;
  for (var t = 0u; t < 4u && col + t < params.nIn; t++) {
    dwParts[i + t] = v[t];
  }
}

fn mmRowSum(row: u32, sum: f32) {
  dbParts[part * params.biasStride + row] = sum;
}

@compute @workgroup_size(MM_WG_X, MM_WG_Y)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  part = wg.z;
  // The depth from wg.z itself, not from `part`: a private variable counts as non-uniform, and the
  // shared and tiled cores loop over the depth around workgroup barriers.
  matmulBlock(wg.xy, lid.xy, params.nOut, params.nIn, min(params.chunk, params.rows - wg.z * params.chunk));
}

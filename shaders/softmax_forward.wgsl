// softmax_forward: row-wise softmax Z[r, :] = exp(U[r, :] − max) / Σ exp(U[r, :] − max), the output
// Z = softmax(U) of a softmax layer (its probabilities P).
// Training with cross-entropy does not need it (softmax_cross_entropy works on the logits); it
// gives predictions their probabilities.
// Bindings: params {rows, cols}; u: logits U [rows, cols]; z: Z [rows, cols], written.
// Dispatch: ceil(rows/64) workgroups of 64, one invocation per row.
// Libraries appended (src/kernels/sources.ts): none.
struct Params { rows: u32, cols: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> u: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let row = gid.x;
  if (row >= params.rows) { return; }
  let base = row * params.cols;
  var top = u[base];
  for (var j = 1u; j < params.cols; j++) { top = max(top, u[base + j]); }
  var sum = 0.0;
  for (var j = 0u; j < params.cols; j++) { sum += exp(u[base + j] - top); }
  for (var j = 0u; j < params.cols; j++) { z[base + j] = exp(u[base + j] - top) / sum; }
}

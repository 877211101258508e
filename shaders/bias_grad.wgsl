// bias_grad: the bias gradient as a reduction over the batch: db[j] = Σ_r dy[r, j].
// Bindings: params {rows, cols}; dy: δ [rows, cols]; db: [cols], written (not accumulated).
// One invocation per column walks the rows; neighbouring invocations read neighbouring addresses.
// Dispatch: ceil(cols/64) workgroups of 64.
struct Params { rows: u32, cols: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let col = gid.x;
  if (col >= params.cols) { return; }
  var sum = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    sum += dy[r * params.cols + col];
  }
  db[col] = sum;
}

// transpose_batched: out[n, j, i] = src[n, i, j] for each of `batch` [rows, cols] matrices: between
// the matmul cores' [batch·H·W, channels] (NHWC) and the layers' [batch, channels, H·W] (NCHW).
// Bindings: params {batch, rows, cols}; src: [batch, rows, cols]; out: [batch, cols, rows], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over batch·rows·cols outputs (elementwiseWorkgroups).
// Libraries appended: none.
struct Params { batch: u32, rows: u32, cols: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let plane = p.rows * p.cols;
  for (var e = gid.x; e < p.batch * plane; e += nwg.x * 256u) {
    let n = e / plane;
    let k = e - n * plane;
    let i = k % p.rows; // out[n, j, i]
    let j = k / p.rows;
    out[e] = src[n * plane + i * p.cols + j];
  }
}

// im2col: the patch matrix of a 2-D convolution (implicit GEMM's left operand), NCHW input:
//   cols[(n·outH + i)·outW + j, (c·kh + a)·kw + b] = X[n, c, i·sh + a − ph, j·sw + b − pw]   (0 outside)
// so that U (as [batch·outH·outW, filters]) = cols · Wᵀ + b with W [filters, inC·kh·kw] is a dense
// layer's forward (dense_forward.wgsl on the matmul cores), and ∂W = δᵀ·cols its backward.
// Bindings: params {batch, inC, inH, inW, kh, kw, sh, sw, ph, pw, outH, outW};
//           x: X [batch, inC, inH, inW]; cols: [batch·outH·outW, inC·kh·kw], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over the cols elements (elementwiseWorkgroups).
// Libraries appended: none.
struct Params { batch: u32, inC: u32, inH: u32, inW: u32, kh: u32, kw: u32, sh: u32, sw: u32, ph: u32, pw: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> cols: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let depth = p.inC * p.kh * p.kw;
  let count = p.batch * p.outH * p.outW * depth;
  for (var e = gid.x; e < count; e += nwg.x * 256u) {
    let row = e / depth;
    let k = e - row * depth;
    let b = k % p.kw;
    let a = (k / p.kw) % p.kh;
    let c = k / (p.kw * p.kh);
    let j = row % p.outW;
    let i = (row / p.outW) % p.outH;
    let n = row / (p.outW * p.outH);
    let yy = i32(i * p.sh + a) - i32(p.ph);
    let xx = i32(j * p.sw + b) - i32(p.pw);
    var v = 0.0;
    if (yy >= 0 && yy < i32(p.inH) && xx >= 0 && xx < i32(p.inW)) {
      v = x[((n * p.inC + c) * p.inH + u32(yy)) * p.inW + u32(xx)];
    }
    cols[e] = v;
  }
}

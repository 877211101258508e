// conv2d_backward_weights: a 2-D convolution's parameter gradients given δ = ∂L/∂U and its input X, NCHW:
//   ∂W[f,c,a,b] = Σ_{n,i,j} δ[n,f,i,j] · X[n, c, i·sh + a − ph, j·sw + b − pw]   (X = 0 outside)
//   ∂b[f]       = Σ_{n,i,j} δ[n,f,i,j]
// One workgroup of 128 per weight element: its invocations stride over the batch·outH·outW terms
// (neighbouring invocations take neighbouring output pixels, so δ and X loads coalesce), then a
// shared-memory tree adds the 128 partials. A weight has few elements (a 5×5 filter bank of 8 has
// 200) but long sums, so one invocation per weight left most of a GPU idle. The workgroup of
// (f, c = 0, a = 0, b = 0) also sums ∂b[f], in the same pass and tree (one entry point, no
// atomics). Differs from the CPU twin (src/cpu/conv2d_backward_weights.ts, n, i, j ascending)
// only in the order of the f32 additions. No normalisation (δ already carries the loss's 1/B).
// Bindings: params {batch, inC, inH, inW, filters, kh, kw, sh, sw, ph, pw, outH, outW};
//           delta: δ [batch, filters, outH, outW]; x: X [batch, inC, inH, inW];
//           dw: ∂W [filters, inC, kh, kw] and db: ∂b [filters], both written.
// Dispatch: one workgroup per weight element, at most `limit` workgroups, each striding over the
// filters·inC·kh·kw elements by the number of workgroups (workgroupPerItemWorkgroups).
// Libraries appended: none.
struct Params {
  batch: u32, inC: u32, inH: u32, inW: u32, filters: u32, kh: u32, kw: u32,
  sh: u32, sw: u32, ph: u32, pw: u32, outH: u32, outW: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;
@group(0) @binding(4) var<storage, read_write> db: array<f32>;

const WG = 128u;
// (∂W partial, ∂b partial) per invocation; the ∂b half stays 0 outside the bias workgroups.
var<workgroup> partial: array<vec2f, WG>;

@compute @workgroup_size(128)
fn main(@builtin(local_invocation_id) lid3: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let lid = lid3.x;
  let perFilter = p.inC * p.kh * p.kw;
  let count = p.filters * perFilter;
  let outPlane = p.outH * p.outW;
  let terms = p.batch * outPlane;
  for (var e = wid.x; e < count; e += nwg.x) {
    let b = e % p.kw;
    let a = (e / p.kw) % p.kh;
    let c = (e / (p.kw * p.kh)) % p.inC;
    let f = e / perFilter;
    let withBias = e % perFilter == 0u;
    var sums = vec2f(0.0);
    for (var t = lid; t < terms; t += WG) {
      let n = t / outPlane;
      let k = t - n * outPlane;
      let i = k / p.outW;
      let j = k - i * p.outW;
      let d = delta[(n * p.filters + f) * outPlane + k];
      if (withBias) { sums.y += d; }
      let yy = i32(i * p.sh + a) - i32(p.ph);
      let xx = i32(j * p.sw + b) - i32(p.pw);
      if (yy >= 0 && yy < i32(p.inH) && xx >= 0 && xx < i32(p.inW)) {
        sums.x += d * x[((n * p.inC + c) * p.inH + u32(yy)) * p.inW + u32(xx)];
      }
    }
    partial[lid] = sums;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
      if (lid < s) { partial[lid] += partial[lid + s]; }
      workgroupBarrier();
    }
    if (lid == 0u) {
      dw[e] = partial[0].x;
      if (withBias) { db[f] = partial[0].y; }
    }
    // Nobody may overwrite partial (the next element) before invocation 0 has read the total.
    workgroupBarrier();
  }
}

// conv2d_backward_weights: a 2-D convolution's parameter gradients given δ = ∂L/∂U and its input X, NCHW:
//   ∂W[f,c,a,b] = Σ_{n,i,j} δ[n,f,i,j] · X[n, c, i·sh + a − ph, j·sw + b − pw]   (X = 0 outside)
//   ∂b[f]       = Σ_{n,i,j} δ[n,f,i,j]
// One invocation per weight element; the invocation of (f, c = 0, a = 0, b = 0) also writes ∂b[f]
// (one entry point, no atomics). Summed as the CPU twin (src/cpu/conv2d_backward_weights.ts):
// n, i, j ascending. No normalisation (δ already carries the loss's 1/B).
// Bindings: params {batch, inC, inH, inW, filters, kh, kw, sh, sw, ph, pw, outH, outW};
//           delta: δ [batch, filters, outH, outW]; x: X [batch, inC, inH, inW];
//           dw: ∂W [filters, inC, kh, kw] and db: ∂b [filters], both written.
// Dispatch: one invocation per weight, up to 4096 workgroups of 256, grid-stride over
// filters·inC·kh·kw (elementwiseWorkgroups). Libraries appended: none.
struct Params {
  batch: u32, inC: u32, inH: u32, inW: u32, filters: u32, kh: u32, kw: u32,
  sh: u32, sw: u32, ph: u32, pw: u32, outH: u32, outW: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> dw: array<f32>;
@group(0) @binding(4) var<storage, read_write> db: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let perFilter = p.inC * p.kh * p.kw;
  let count = p.filters * perFilter;
  let outPlane = p.outH * p.outW;
  for (var e = gid.x; e < count; e += nwg.x * 256u) {
    let b = e % p.kw;
    let a = (e / p.kw) % p.kh;
    let c = (e / (p.kw * p.kh)) % p.inC;
    let f = e / perFilter;
    var sum = 0.0;
    for (var n = 0u; n < p.batch; n++) {
      let dPlane = (n * p.filters + f) * outPlane;
      let xPlane = (n * p.inC + c) * p.inH * p.inW;
      for (var i = 0u; i < p.outH; i++) {
        let yy = i32(i * p.sh + a) - i32(p.ph);
        if (yy < 0 || yy >= i32(p.inH)) { continue; }
        for (var j = 0u; j < p.outW; j++) {
          let xx = i32(j * p.sw + b) - i32(p.pw);
          if (xx < 0 || xx >= i32(p.inW)) { continue; }
          sum += delta[dPlane + i * p.outW + j] * x[xPlane + u32(yy) * p.inW + u32(xx)];
        }
      }
    }
    dw[e] = sum;
    if (e % perFilter == 0u) {
      var bsum = 0.0;
      for (var n = 0u; n < p.batch; n++) {
        let dPlane = (n * p.filters + f) * outPlane;
        for (var k = 0u; k < outPlane; k++) { bsum += delta[dPlane + k]; }
      }
      db[f] = bsum;
    }
  }
}

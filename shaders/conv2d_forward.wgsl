// conv2d_forward: direct 2-D convolution (PyTorch's Conv2d, no activation), NCHW:
//   U[n,f,i,j] = b[f] + Σ_{c,a,b} W[f,c,a,b] · X[n, c, i·sh + a − ph, j·sw + b − pw]   (X = 0 outside)
// with outH = floor((inH + 2·ph − kh)/sh) + 1, likewise outW (the caller passes both).
// Summed in the order of the CPU twin (src/cpu/conv2d_forward.ts): b[f], then c, a, b ascending.
// Bindings: params {batch, inC, inH, inW, filters, kh, kw, sh, sw, ph, pw, outH, outW};
//           x: X [batch, inC, inH, inW]; w: W [filters, inC, kh, kw]; bias: b [filters];
//           u: U [batch, filters, outH, outW], written.
// Dispatch: one invocation per output element, up to 4096 workgroups of 256, grid-stride over
// batch·filters·outH·outW (elementwiseWorkgroups). Libraries appended: none.
struct Params {
  batch: u32, inC: u32, inH: u32, inW: u32, filters: u32, kh: u32, kw: u32,
  sh: u32, sw: u32, ph: u32, pw: u32, outH: u32, outW: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> u: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let count = p.batch * p.filters * p.outH * p.outW;
  for (var o = gid.x; o < count; o += nwg.x * 256u) {
    let j = o % p.outW;
    let i = (o / p.outW) % p.outH;
    let f = (o / (p.outW * p.outH)) % p.filters;
    let n = o / (p.outW * p.outH * p.filters);
    // Top-left corner of the window in input coordinates (negative inside the padding).
    let y0 = i32(i * p.sh) - i32(p.ph);
    let x0 = i32(j * p.sw) - i32(p.pw);
    var sum = bias[f];
    for (var c = 0u; c < p.inC; c++) {
      let xPlane = (n * p.inC + c) * p.inH * p.inW;
      let wPlane = (f * p.inC + c) * p.kh * p.kw;
      for (var a = 0u; a < p.kh; a++) {
        let yy = y0 + i32(a);
        if (yy < 0 || yy >= i32(p.inH)) { continue; }
        for (var b = 0u; b < p.kw; b++) {
          let xx = x0 + i32(b);
          if (xx < 0 || xx >= i32(p.inW)) { continue; }
          sum += w[wPlane + a * p.kw + b] * x[xPlane + u32(yy) * p.inW + u32(xx)];
        }
      }
    }
    u[o] = sum;
  }
}

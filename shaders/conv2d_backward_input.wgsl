// conv2d_backward_input: ∂L/∂X of a 2-D convolution given δ = ∂L/∂U, NCHW, in gather form (one
// invocation per input element, no scatter, no atomics):
//   ∂X[n,c,y,x] = Σ_{a,b,f : y = i·sh + a − ph, x = j·sw + b − pw, 0 ≤ i < outH, 0 ≤ j < outW}
//                 δ[n,f,i,j] · W[f,c,a,b]
// i.e. for each kernel offset (a, b) with i = (y + ph − a)/sh and j = (x + pw − b)/sw whole numbers
// inside the output; inputs no window covers get 0. Summed as the CPU twin
// (src/cpu/conv2d_backward_input.ts): a, b, then f ascending. No activation derivative applied.
// Bindings: params {batch, inC, inH, inW, filters, kh, kw, sh, sw, ph, pw, outH, outW};
//           delta: δ [batch, filters, outH, outW]; w: W [filters, inC, kh, kw];
//           dx: ∂X [batch, inC, inH, inW], written.
// Dispatch: one invocation per input element, up to 4096 workgroups of 256, grid-stride over
// batch·inC·inH·inW (elementwiseWorkgroups). Libraries appended: none.
struct Params {
  batch: u32, inC: u32, inH: u32, inW: u32, filters: u32, kh: u32, kw: u32,
  sh: u32, sw: u32, ph: u32, pw: u32, outH: u32, outW: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let count = p.batch * p.inC * p.inH * p.inW;
  let outPlane = p.outH * p.outW;
  for (var e = gid.x; e < count; e += nwg.x * 256u) {
    let xx = e % p.inW;
    let y = (e / p.inW) % p.inH;
    let c = (e / (p.inW * p.inH)) % p.inC;
    let n = e / (p.inW * p.inH * p.inC);
    var sum = 0.0;
    for (var a = 0u; a < p.kh; a++) {
      let ti = i32(y + p.ph) - i32(a);
      if (ti < 0 || u32(ti) % p.sh != 0u) { continue; }
      let i = u32(ti) / p.sh;
      if (i >= p.outH) { continue; }
      for (var b = 0u; b < p.kw; b++) {
        let tj = i32(xx + p.pw) - i32(b);
        if (tj < 0 || u32(tj) % p.sw != 0u) { continue; }
        let j = u32(tj) / p.sw;
        if (j >= p.outW) { continue; }
        for (var f = 0u; f < p.filters; f++) {
          sum += delta[(n * p.filters + f) * outPlane + i * p.outW + j] * w[((f * p.inC + c) * p.kh + a) * p.kw + b];
        }
      }
    }
    dx[e] = sum;
  }
}

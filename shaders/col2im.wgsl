// col2im: ∂X of a 2-D convolution from the patch matrix's gradient ∂cols = δ·W (dense_backward_input
// on the matmul cores), NCHW, in gather form (one invocation per input element, no atomics):
//   ∂X[n,c,y,x] = Σ_{a,b : i = (y + ph − a)/sh, j = (x + pw − b)/sw whole, 0 ≤ i < outH, 0 ≤ j < outW}
//                 ∂cols[(n·outH + i)·outW + j, (c·kh + a)·kw + b]
// summed a, then b ascending (the CPU twin's order, src/cpu/im2col.ts); inputs no window covers get 0.
// Bindings: params {batch, inC, inH, inW, kh, kw, sh, sw, ph, pw, outH, outW};
//           dcols: [batch·outH·outW, inC·kh·kw]; dx: ∂X [batch, inC, inH, inW], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over batch·inC·inH·inW (elementwiseWorkgroups).
// Libraries appended: none.
struct Params { batch: u32, inC: u32, inH: u32, inW: u32, kh: u32, kw: u32, sh: u32, sw: u32, ph: u32, pw: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dcols: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let depth = p.inC * p.kh * p.kw;
  let count = p.batch * p.inC * p.inH * p.inW;
  for (var e = gid.x; e < count; e += nwg.x * 256u) {
    let x = e % p.inW;
    let y = (e / p.inW) % p.inH;
    let c = (e / (p.inW * p.inH)) % p.inC;
    let n = e / (p.inW * p.inH * p.inC);
    var sum = 0.0;
    for (var a = 0u; a < p.kh; a++) {
      let ty = i32(y + p.ph) - i32(a);
      if (ty < 0 || u32(ty) % p.sh != 0u) { continue; }
      let i = u32(ty) / p.sh;
      if (i >= p.outH) { continue; }
      for (var b = 0u; b < p.kw; b++) {
        let tx = i32(x + p.pw) - i32(b);
        if (tx < 0 || u32(tx) % p.sw != 0u) { continue; }
        let j = u32(tx) / p.sw;
        if (j >= p.outW) { continue; }
        sum += dcols[((n * p.outH + i) * p.outW + j) * depth + (c * p.kh + a) * p.kw + b];
      }
    }
    dx[e] = sum;
  }
}

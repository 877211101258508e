// avg_pool2d_forward: 2-D average pooling without padding (PyTorch's AvgPool2d), NCHW:
//   Y[n,c,i,j] = (1/(kh·kw)) · Σ_{0≤a<kh, 0≤b<kw} X[n, c, i·sh + a, j·sw + b]
// with outH = floor((inH − kh)/sh) + 1, likewise outW (every window fully inside, divisor kh·kw).
// Summed a, then b ascending and then scaled by 1/(kh·kw), as the CPU twin (src/cpu/avg_pool2d.ts).
// Bindings: params {batch, channels, inH, inW, kh, kw, sh, sw, outH, outW};
//           x: X [batch, channels, inH, inW]; y: Y [batch, channels, outH, outW], written.
// Dispatch: one invocation per output element, up to 4096 workgroups of 256, grid-stride over
// batch·channels·outH·outW (elementwiseWorkgroups). Libraries appended: none.
struct Params { batch: u32, channels: u32, inH: u32, inW: u32, kh: u32, kw: u32, sh: u32, sw: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let count = p.batch * p.channels * p.outH * p.outW;
  let inv = 1.0 / f32(p.kh * p.kw);
  for (var o = gid.x; o < count; o += nwg.x * 256u) {
    let j = o % p.outW;
    let i = (o / p.outW) % p.outH;
    let plane = o / (p.outW * p.outH);
    let xPlane = plane * p.inH * p.inW;
    var sum = 0.0;
    for (var a = 0u; a < p.kh; a++) {
      let row = xPlane + (i * p.sh + a) * p.inW + j * p.sw;
      for (var b = 0u; b < p.kw; b++) { sum += x[row + b]; }
    }
    y[o] = sum * inv;
  }
}

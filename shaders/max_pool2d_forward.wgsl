// max_pool2d_forward: 2-D max pooling without padding (PyTorch's MaxPool2d, return_indices), NCHW:
//   Y[n,c,i,j] = max_{0≤a<kh, 0≤b<kw} X[n, c, i·sh + a, j·sw + b]
//   argmax[n,c,i,j] = the chosen input's flat index y·inW + x inside its own (n, c) plane
// with outH = floor((inH − kh)/sh) + 1, likewise outW (every window fully inside). Windows are
// scanned row-major (a, then b); the first maximum wins on ties, as the CPU twin
// (src/cpu/max_pool2d.ts). A NaN is meant to win (`v != v`), but WGSL implementations may assume
// finite values, so NaN inputs are not guaranteed to propagate here.
// Bindings: params {batch, channels, inH, inW, kh, kw, sh, sw, outH, outW};
//           x: X [batch, channels, inH, inW]; y: Y [batch, channels, outH, outW], written;
//           argmax: u32 [batch, channels, outH, outW], written.
// Dispatch: one invocation per output element, up to 4096 workgroups of 256, grid-stride over
// batch·channels·outH·outW (elementwiseWorkgroups). Libraries appended: none.
struct Params { batch: u32, channels: u32, inH: u32, inW: u32, kh: u32, kw: u32, sh: u32, sw: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> argmax: array<u32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let count = p.batch * p.channels * p.outH * p.outW;
  for (var o = gid.x; o < count; o += nwg.x * 256u) {
    let j = o % p.outW;
    let i = (o / p.outW) % p.outH;
    let plane = o / (p.outW * p.outH);
    let xPlane = plane * p.inH * p.inW;
    var bestIdx = i * p.sh * p.inW + j * p.sw;
    var best = x[xPlane + bestIdx];
    for (var a = 0u; a < p.kh; a++) {
      for (var b = 0u; b < p.kw; b++) {
        let idx = (i * p.sh + a) * p.inW + j * p.sw + b;
        let v = x[xPlane + idx];
        if (v > best || v != v) {
          best = v;
          bestIdx = idx;
        }
      }
    }
    y[o] = best;
    argmax[o] = bestIdx;
  }
}

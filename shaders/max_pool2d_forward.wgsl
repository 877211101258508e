// max_pool2d_forward: 2-D max pooling without padding (PyTorch's MaxPool2d, return_indices), NCHW:
//   Y[n,c,i,j] = max_{0≤a<kh, 0≤b<kw} X[n, c, i·sh + a, j·sw + b]
//   argmax[n,c,i,j] = the chosen input's flat index y·inW + x inside its own (n, c) plane
// with outH = floor((inH − kh)/sh) + 1, likewise outW (every window fully inside). Windows are
// scanned row-major (a, then b); the first maximum wins on ties, as the CPU twin
// (src/cpu/max_pool2d.ts). A NaN is meant to win (`v != v`), but WGSL implementations may assume
// finite values, so NaN inputs are not guaranteed to propagate here.
// Each invocation splits its first output index into the digits (j, i, plane) once and then steps
// them by the grid's stride as a mixed-radix sum, so an output costs no integer division.
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

/** Digits (j, i, plane) of an output index (plane·outH + i)·outW + j. */
fn split(o: u32, p: Params) -> vec3u {
  return vec3u(o % p.outW, (o / p.outW) % p.outH, o / (p.outW * p.outH));
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let count = p.batch * p.channels * p.outH * p.outW;
  let stride = nwg.x * 256u;
  var o = gid.x;
  if (o >= count) { return; }
  var d = split(o, p);
  // The stride's digits, only where this invocation has a second output (never on a large grid).
  var s = vec3u(0u);
  if (o + stride < count) { s = split(stride, p); }
  loop {
    let xPlane = d.z * p.inH * p.inW;
    let corner = d.y * p.sh * p.inW + d.x * p.sw;
    var bestIdx = corner;
    var best = x[xPlane + corner];
    var rowIdx = corner;
    for (var a = 0u; a < p.kh; a++) {
      for (var b = 0u; b < p.kw; b++) {
        let idx = rowIdx + b;
        let v = x[xPlane + idx];
        if (v > best || v != v) {
          best = v;
          bestIdx = idx;
        }
      }
      rowIdx += p.inW;
    }
    y[o] = best;
    argmax[o] = bestIdx;
    o += stride;
    if (o >= count) { break; }
    // d += s: each digit and stride digit is below its radix, so one carry at most.
    var v = d.x + s.x;
    var carry = u32(v >= p.outW);
    d.x = v - carry * p.outW;
    v = d.y + s.y + carry;
    carry = u32(v >= p.outH);
    d.y = v - carry * p.outH;
    d.z += s.z + carry;
  }
}

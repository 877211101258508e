// max_pool2d_backward: ∂L/∂X of 2-D max pooling in gather form (one invocation per input element,
// no scatter, no atomics):
//   ∂X[n,c,y,x] = Σ_{i,j : window (i, j) holds (y, x) and argmax[n,c,i,j] = y·inW + x} δ[n,c,i,j]
// Windows are visited i, then j ascending, the order in which the CPU twin (src/cpu/max_pool2d.ts)
// scatters; inputs no window chose get 0. argmax must be what max_pool2d_forward wrote (an index
// outside its window is simply never matched here; the twin throws on one).
// Bindings: params {batch, channels, inH, inW, kh, kw, sh, sw, outH, outW};
//           delta: δ [batch, channels, outH, outW]; argmax: u32 [batch, channels, outH, outW];
//           dx: ∂X [batch, channels, inH, inW], written.
// Override TILED (default false): the windows tile the input exactly (stride = window, inH = outH·kh,
// inW = outW·kw: 2×2 pooling of an even-sized image). Then each input lies in one window, and one
// invocation per window writes its kh·kw inputs (δ at the arg-max, 0 elsewhere): the same values,
// without the per-input search (on SwiftShader 2×2 pooling of 64×8×24×24 inputs took ~20 ms
// searching, the general path's dead code included).
// Dispatch: up to 4096 workgroups of 256, grid-stride over batch·channels·inH·inW inputs, or over
// the batch·channels·outH·outW windows when TILED (elementwiseWorkgroups). Libraries appended: none.
struct Params { batch: u32, channels: u32, inH: u32, inW: u32, kh: u32, kw: u32, sh: u32, sw: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> argmax: array<u32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

/** First window index (along one axis) whose window [k·s, k·s + size) holds position v. */
fn firstWindow(v: u32, size: u32, s: u32) -> u32 {
  if (v + 1u <= size) { return 0u; }
  return (v + 1u - size + s - 1u) / s;
}

override TILED: bool = false;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  if (TILED) {
    let windows = p.batch * p.channels * p.outH * p.outW;
    for (var o = gid.x; o < windows; o += nwg.x * 256u) {
      let j = o % p.outW;
      let i = (o / p.outW) % p.outH;
      let plane = o / (p.outW * p.outH);
      let top = i * p.kh * p.inW + j * p.kw; // the window's first input in its plane
      let chosen = argmax[o];
      let d = delta[o];
      let base = plane * p.inH * p.inW;
      for (var a = 0u; a < p.kh; a++) {
        for (var b = 0u; b < p.kw; b++) {
          let idx = top + a * p.inW + b;
          dx[base + idx] = select(0.0, d, idx == chosen);
        }
      }
    }
    return;
  }
  let count = p.batch * p.channels * p.inH * p.inW;
  for (var e = gid.x; e < count; e += nwg.x * 256u) {
    let xx = e % p.inW;
    let yy = (e / p.inW) % p.inH;
    let plane = e / (p.inW * p.inH);
    let idx = yy * p.inW + xx;
    let oPlane = plane * p.outH * p.outW;
    var sum = 0.0;
    for (var i = firstWindow(yy, p.kh, p.sh); i < p.outH && i * p.sh <= yy; i++) {
      for (var j = firstWindow(xx, p.kw, p.sw); j < p.outW && j * p.sw <= xx; j++) {
        let o = oPlane + i * p.outW + j;
        if (argmax[o] == idx) { sum += delta[o]; }
      }
    }
    dx[e] = sum;
  }
}

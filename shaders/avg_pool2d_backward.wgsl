// avg_pool2d_backward: ∂L/∂X of 2-D average pooling in gather form (one invocation per input
// element, no scatter, no atomics):
//   ∂X[n,c,y,x] = Σ_{i,j whose window holds (y,x)} δ[n,c,i,j] · (1/(kh·kw))
// Windows visited i, then j ascending, the order in which the CPU twin (src/cpu/avg_pool2d.ts)
// scatters; inputs no window covers get 0.
// Bindings: params {batch, channels, inH, inW, kh, kw, sh, sw, outH, outW};
//           delta: δ [batch, channels, outH, outW]; dx: ∂X [batch, channels, inH, inW], written.
// Dispatch: one invocation per input element, up to 4096 workgroups of 256, grid-stride over
// batch·channels·inH·inW (elementwiseWorkgroups). Libraries appended: none.
struct Params { batch: u32, channels: u32, inH: u32, inW: u32, kh: u32, kw: u32, sh: u32, sw: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

/** First window index (along one axis) whose window [k·s, k·s + size) holds position v. */
fn firstWindow(v: u32, size: u32, s: u32) -> u32 {
  if (v + 1u <= size) { return 0u; }
  return (v + 1u - size + s - 1u) / s;
}

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let p = params;
  let count = p.batch * p.channels * p.inH * p.inW;
  let inv = 1.0 / f32(p.kh * p.kw);
  for (var e = gid.x; e < count; e += nwg.x * 256u) {
    let xx = e % p.inW;
    let yy = (e / p.inW) % p.inH;
    let plane = e / (p.inW * p.inH);
    let oPlane = plane * p.outH * p.outW;
    var sum = 0.0;
    for (var i = firstWindow(yy, p.kh, p.sh); i < p.outH && i * p.sh <= yy; i++) {
      for (var j = firstWindow(xx, p.kw, p.sw); j < p.outW && j * p.sw <= xx; j++) {
        sum += delta[oPlane + i * p.outW + j] * inv;
      }
    }
    dx[e] = sum;
  }
}

// grad_norm_partial: first half of global-norm gradient clipping (PyTorch's clip_grad_norm_), without
// a read-back: each workgroup sums the squares of its share of g into partial[workgroup_id]:
//   partial[k] = Σ g[i]²  over the quads i ≡ (k·256 + j) mod (workgroups·256), j < 256
// Each invocation grid-strides over count / 4 quads (count rounded up to a multiple of 4; the
// padding must be zero), then the workgroup adds its 256 sums in a fixed tree order. No atomics:
// the same g and grid give bit-identical partials. grad_norm_scale.wgsl adds the partials.
// Bindings: params {count}; g: [count]; partial: [workgroups], written.
// Dispatch: gradNormWorkgroups(count) workgroups of 256 (at most 256 of them, one partial each).
// Libraries appended (src/kernels/sources.ts): none.
struct Params { count: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> g: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> partial: array<f32>;

var<workgroup> sums: array<f32, 256>;

@compute @workgroup_size(256)
fn main(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(local_invocation_index) local: u32,
  @builtin(workgroup_id) wid: vec3u,
  @builtin(num_workgroups) nwg: vec3u,
) {
  let quads = (params.count + 3u) / 4u;
  var acc = 0.0;
  for (var i = gid.x; i < quads; i += nwg.x * 256u) {
    let q = g[i];
    acc += dot(q, q);
  }
  sums[local] = acc;
  workgroupBarrier();
  for (var width = 128u; width > 0u; width /= 2u) {
    if (local < width) {
      sums[local] += sums[local + width];
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    partial[wid.x] = sums[0];
  }
}

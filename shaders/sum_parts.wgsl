// sum_parts: out[i] = Σ_{s < parts} src[s·stride + i] for i < count, s ascending (the partial sums of
// dense_backward_weights_split, into the gradient).
// Bindings: params {count, parts, stride}; src: [parts, stride]; out: [count], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over count (elementwiseWorkgroups).
// Libraries appended: none.
struct Params { count: u32, parts: u32, stride: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < params.count; i += nwg.x * 256u) {
    var sum = 0.0;
    for (var s = 0u; s < params.parts; s++) {
      sum += src[s * params.stride + i];
    }
    out[i] = sum;
  }
}

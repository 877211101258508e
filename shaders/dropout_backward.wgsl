// dropout_backward: the gradient through inverted dropout, the forward's map applied to δ:
//   ∂x[i] = δ[i] · mask[i] · scale      (scale = 1/(1 − rate), mask of 0.0/1.0 from dropout_forward)
// Twin: dropoutBackward in src/cpu/dropout.ts.
// Bindings: params {count, scale}; delta: δ = ∂L/∂y [count]; mask: [count]; dx: ∂x [count], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over count (elementwiseWorkgroups).
// Libraries appended: none.
struct Params { count: u32, scale: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < params.count; i += nwg.x * 256u) {
    dx[i] = delta[i] * mask[i] * params.scale;
  }
}

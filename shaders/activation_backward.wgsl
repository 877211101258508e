// activation_backward: δ = dZ ⊙ σ'(U) element-wise, δ = ∂ℓ/∂U (σ from the ACTIVATION/SLOPE
// overrides, lib/activation.wgsl). Turns a caller-given gradient of the network output, ∂ℓ/∂Z,
// into the output layer's δ; hidden layers fuse this into dense_backward_input.
// Bindings: params {count}; dz: ∂ℓ/∂Z [count]; u: U [count]; delta: δ [count], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over count.
// Libraries appended (src/kernels/sources.ts): lib/activation.wgsl.
struct Params { count: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dz: array<f32>;
@group(0) @binding(2) var<storage, read> u: array<f32>;
@group(0) @binding(3) var<storage, read_write> delta: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < params.count; i += nwg.x * 256u) {
    delta[i] = dz[i] * activateGrad(u[i]);
  }
}

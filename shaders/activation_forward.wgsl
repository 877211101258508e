// activation_forward: Z = σ(U) element-wise (σ from the ACTIVATION/SLOPE overrides,
// lib/activation.wgsl). Training fuses this into dense_forward; this kernel serves layers applied
// on their own and tests.
// Bindings: params {count}; u: [count]; z: [count], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over count.
// Libraries appended (src/kernels/sources.ts): lib/activation.wgsl.
struct Params { count: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> u: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < params.count; i += nwg.x * 256u) {
    z[i] = activate(u[i]);
  }
}

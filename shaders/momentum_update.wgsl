// momentum_update: momentum over every parameter in one dispatch, in the slides' form:
// m := β·m − μ·g, then w := w + m.
// Bindings: params {count, lr, beta}; w: [count] and m: [count], both updated in place; g: [count].
// Dispatch: up to 4096 workgroups of 256, grid-stride over count.
struct Params { count: u32, lr: f32, beta: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read> g: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  for (var i = gid.x; i < params.count; i += nwg.x * 256u) {
    let v = params.beta * m[i] - params.lr * g[i];
    m[i] = v;
    w[i] = w[i] + v;
  }
}

// momentum_update: momentum over every parameter in one dispatch, in the slides' form:
// m := β·m − μ·g, then w := w + m.
// Works on vec4s (one load per four parameters): count is rounded up to a multiple of 4, so the
// buffers must hold that many floats (the model's flat layout is a multiple of 64; WebGPU buffers
// here are sized in 16-byte units).
// Bindings: params {count, lr, beta}; w: [count] and m: [count], both updated in place; g: [count].
// Dispatch: up to 4096 workgroups of 256, grid-stride over count / 4 quads.
struct Params { count: u32, lr: f32, beta: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> w: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> m: array<vec4f>;
@group(0) @binding(3) var<storage, read> g: array<vec4f>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let quads = (params.count + 3u) / 4u;
  for (var i = gid.x; i < quads; i += nwg.x * 256u) {
    let v = params.beta * m[i] - params.lr * g[i];
    m[i] = v;
    w[i] = w[i] + v;
  }
}

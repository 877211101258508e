// sgd_update: gradient descent over every parameter of the model in one dispatch: w := w − μ·g.
// Weights and biases of all layers live in one buffer, their gradients in another of the same
// layout. Whether this is full-batch GD or minibatch SGD depends only on the batch the gradient
// was averaged over.
// Works on vec4s: count is rounded up to a multiple of 4, so the buffers must hold that many
// floats (the model's flat layout is a multiple of 64).
// Bindings: params {count, lr}; w: [count], updated in place; g: [count].
// Dispatch: up to 4096 workgroups of 256, grid-stride over count / 4 quads.
struct Params { count: u32, lr: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> w: array<vec4f>;
@group(0) @binding(2) var<storage, read> g: array<vec4f>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let quads = (params.count + 3u) / 4u;
  for (var i = gid.x; i < quads; i += nwg.x * 256u) {
    w[i] = w[i] - params.lr * g[i];
  }
}

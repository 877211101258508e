// momentum_update: momentum over every parameter in one dispatch, in the slides' form:
//   g' = g · s + λ·w            (s = scale[0] when CLIP, else 1; lib/optimizer_gradient.wgsl)
//   m := β·m − μ_t·g',  then w := w + m
// μ_t is step.lr (lib/step.wgsl), the scheduled rate of this step.
// Works on vec4s (one load per four parameters): count is rounded up to a multiple of 4, so the
// buffers must hold that many floats (the model's flat layout is a multiple of 64; WebGPU buffers
// here are sized in 16-byte units).
// Bindings: params {count, beta, weightDecay}; step (per-step uniform, lr used); w: [count] and
//           m: [count], both updated in place; g: [count]; scale: [1], read only when CLIP is true.
// Dispatch: up to 4096 workgroups of 256 (optimizerWorkgroups), grid-stride over count / 4 quads.
// Libraries appended (src/kernels/sources.ts): lib/step.wgsl, lib/optimizer_gradient.wgsl.
struct Params { count: u32, beta: f32, weightDecay: f32 }

override CLIP: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read_write> w: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> m: array<vec4f>;
@group(0) @binding(4) var<storage, read> g: array<vec4f>;
@group(0) @binding(5) var<storage, read> scale: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let quads = (params.count + 3u) / 4u;
  let factor = select(1.0, scale[0], CLIP);
  let lr = step.lr;
  for (var i = gid.x; i < quads; i += nwg.x * 256u) {
    let wi = w[i];
    let v = params.beta * m[i] - lr * preparedGradient(g[i], wi, factor, params.weightDecay);
    m[i] = v;
    w[i] = wi + v;
  }
}

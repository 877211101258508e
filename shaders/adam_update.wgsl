// adam_update: Adam (DECOUPLED = false) or AdamW (DECOUPLED = true) over every parameter of the model
// in one dispatch, as PyTorch's Adam/AdamW compute it (t counts steps from 1, bias corrections folded
// into the per-step scalars of lib/step.wgsl: stepSize = μ_t/(1−β1^t), bc2Sqrt = sqrt(1−β2^t),
// decay = 1 − μ_t·λ):
//   AdamW only: w := w · decay, and no λ in the gradient (params.weightDecay is ignored)
//   g' = g · s + λ·w            (s = scale[0] when CLIP, else 1; λ = params.weightDecay for Adam, 0 for AdamW)
//   m := β1·m + (1−β1)·g';  v := β2·v + (1−β2)·g'²
//   w := w − stepSize · m / (sqrt(v) / bc2Sqrt + ε)
// (step.decay is ignored when DECOUPLED is false.) Works on vec4s: count is rounded up to a multiple
// of 4, so the buffers must hold that many floats (zero padding stays zero).
// Bindings: params {count, beta1, beta2, epsilon, weightDecay}; step (stepSize, bc2Sqrt, decay used);
//           w, m, v: [count], updated in place; g: [count];
//           scale: [1], the clipping factor, read only when the override CLIP is true.
// Dispatch: up to 4096 workgroups of 256 (optimizerWorkgroups), grid-stride over count / 4 quads.
// Libraries appended (src/kernels/sources.ts): lib/step.wgsl, lib/optimizer_gradient.wgsl.
struct Params { count: u32, beta1: f32, beta2: f32, epsilon: f32, weightDecay: f32 }

override CLIP: bool = false;
override DECOUPLED: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read_write> w: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> m: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> v: array<vec4f>;
@group(0) @binding(5) var<storage, read> g: array<vec4f>;
@group(0) @binding(6) var<storage, read> scale: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let quads = (params.count + 3u) / 4u;
  let factor = select(1.0, scale[0], CLIP);
  let l2 = select(params.weightDecay, 0.0, DECOUPLED);
  let shrink = select(1.0, step.decay, DECOUPLED);
  let b1 = params.beta1;
  let b2 = params.beta2;
  for (var i = gid.x; i < quads; i += nwg.x * 256u) {
    let wi = w[i] * shrink;
    let gp = preparedGradient(g[i], wi, factor, l2);
    let mi = b1 * m[i] + (1.0 - b1) * gp;
    let vi = b2 * v[i] + (1.0 - b2) * gp * gp;
    m[i] = mi;
    v[i] = vi;
    let denom = sqrt(vi) / step.bc2Sqrt + params.epsilon;
    w[i] = wi - step.stepSize * (mi / denom);
  }
}

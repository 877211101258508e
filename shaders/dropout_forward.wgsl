// dropout_forward: inverted dropout in training, its mask drawn here from a counter-based hash:
//   bits[i] = pcg(pcg(pcg(pcg(seed) ^ layer) ^ step.counter) ^ i) >> 8     (lib/random.wgsl)
//   mask[i] = 1 if bits[i] ≥ threshold else 0,   y[i] = x[i] · mask[i] · scale
// with threshold = ceil(rate · 2²⁴) (0 keeps everything) and scale = 1/(1 − rate), both computed on
// the CPU (dropoutThreshold, dropoutScale in src/cpu/dropout.ts, the twin dropoutForwardHashed).
// i is the element's position in the buffer; step.counter (training steps taken before this one)
// gives every step a fresh mask with no buffer written between steps. A dropped NaN stays NaN.
// Bindings: params {count, threshold, scale, seed, layer}; step (lib/step.wgsl: counter);
//           x: [count]; y: [count], written; mask: [count] as 0.0/1.0, written (read by backward).
// Dispatch: up to 4096 workgroups of 256, grid-stride over count (elementwiseWorkgroups).
// Libraries appended (src/kernels/sources.ts): lib/step.wgsl, lib/random.wgsl.
struct Params { count: u32, threshold: u32, scale: f32, seed: u32, layer: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> mask: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stream = dropoutStream(params.seed, params.layer, step.counter);
  for (var i = gid.x; i < params.count; i += nwg.x * 256u) {
    let m = select(0.0, 1.0, dropoutBits(stream, i) >= params.threshold);
    mask[i] = m;
    y[i] = x[i] * m * params.scale;
  }
}

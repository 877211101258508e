// Library (no entry point): the gradient an update kernel steps with, for four parameters at once.
// DESIGN.md's order: the raw gradient g is first multiplied by the global-norm clipping factor
// `scale` (1 without clipping; grad_norm_scale.wgsl computes it), then L2 weight decay adds λ·w.
//   g' = g · scale + λ · w
fn preparedGradient(g: vec4f, w: vec4f, scale: f32, weightDecay: f32) -> vec4f {
  return g * scale + weightDecay * w;
}

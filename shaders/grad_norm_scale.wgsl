// grad_norm_scale: second half of global-norm gradient clipping (PyTorch's clip_grad_norm_): adds the
// partial sums of squares written by grad_norm_partial.wgsl, in a fixed order (each invocation a
// strided share, then a tree in workgroup memory), and writes the clipping factor
//   n = sqrt(Σ partial);  scale[0] = min(1, maxNorm / (n + 1e-6))
// which the update kernels read when their override CLIP is true (the gradient itself is not written).
// Bindings: params {parts, maxNorm}; partial: [parts]; scale: [1], written.
// Dispatch: exactly one workgroup of 256.
// Libraries appended (src/kernels/sources.ts): none.
struct Params { parts: u32, maxNorm: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> partial: array<f32>;
@group(0) @binding(2) var<storage, read_write> scale: array<f32>;

var<workgroup> sums: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) local: u32) {
  var acc = 0.0;
  for (var k = local; k < params.parts; k += 256u) {
    acc += partial[k];
  }
  sums[local] = acc;
  workgroupBarrier();
  for (var width = 128u; width > 0u; width /= 2u) {
    if (local < width) {
      sums[local] += sums[local + width];
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    scale[0] = min(1.0, params.maxNorm / (sqrt(sums[0]) + 1e-6));
  }
}

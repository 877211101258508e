// mse_loss: mean squared error and the output layer's δ, for any element-wise output activation:
//   L = Σ (ŷ − y)² / (rows·cols)          (mean over every element, as in the slides)
//   δ = 2(ŷ − y) / (rows·cols) ⊙ σ'(U)     (σ from the ACTIVATION/SLOPE overrides)
// Bindings: params {rows, cols}; step (lib/step.wgsl: start, slot); u: U [rows, cols]; z: Ŷ = σ(U) [rows, cols];
//           y: targets [rows, cols]; delta: δ [rows, cols], written; loss: L written to loss[step.slot].
// Dispatch: exactly one workgroup of 256 (the loss is reduced inside it).
// Libraries appended (src/kernels/sources.ts): lib/activation.wgsl, lib/loss_reduce.wgsl, lib/step.wgsl.
struct Params { rows: u32, cols: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read> u: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<f32>;
@group(0) @binding(4) var<storage, read> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> delta: array<f32>;
@group(0) @binding(6) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) local: u32) {
  let count = params.rows * params.cols;
  let scale = 1.0 / f32(count);
  var partial = 0.0;
  for (var i = local; i < count; i += 256u) {
    let diff = z[i] - y[i];
    partial += diff * diff;
    delta[i] = 2.0 * diff * scale * activateGrad(u[i]);
  }
  storeLossTotal(local, partial, scale);
}

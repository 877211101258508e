// sigmoid_bce: binary cross-entropy on the logits U of a sigmoid output layer, fused:
//   ℓ = max(u, 0) − u·y + log(1 + exp(−|u|))   (= −y log σ(u) − (1−y) log(1−σ(u)), without overflow)
//   L = Σ ℓ / (rows·cols);  δ = (σ(u) − y) / (rows·cols)
// Bindings: params {rows, cols}; step (lib/step.wgsl: start, slot); u: logits [rows, cols]; y: targets in [0, 1];
//           delta: δ [rows, cols], written; loss: L written to loss[step.slot].
// Dispatch: exactly one workgroup of 256 (the loss is reduced inside it).
// Libraries appended (src/kernels/sources.ts): lib/activation.wgsl (sigmoidOf), lib/loss_reduce.wgsl,
// lib/step.wgsl.
struct Params { rows: u32, cols: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read> u: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> delta: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) local: u32) {
  let count = params.rows * params.cols;
  let scale = 1.0 / f32(count);
  var partial = 0.0;
  for (var i = local; i < count; i += 256u) {
    let logit = u[i];
    let yv = y[i];
    partial += max(logit, 0.0) - logit * yv + log(1.0 + exp(-abs(logit)));
    delta[i] = (sigmoidOf(logit) - yv) * scale;
  }
  storeLossTotal(local, partial, scale);
}

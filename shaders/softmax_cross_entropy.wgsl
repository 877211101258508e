// softmax_cross_entropy: softmax fused with cross-entropy, on the logits U of the output layer:
//   P = softmax(U) row-wise;  L = −(1/rows) Σ_r Σ_j y_rj log p_rj, computed as Σ_j y_rj (lse_r − u_rj)
//   δ_rj = (p_rj · Σ_j' y_rj' − y_rj) / rows   (= (P − Y)/B when each target row sums to 1)
// Bindings: params {rows, cols}; step (lib/step.wgsl: start, slot); u: logits [rows, cols]; y: targets [rows, cols];
//           delta: δ [rows, cols], written; loss: L written to loss[step.slot].
// Dispatch: exactly one workgroup of 256, one row per invocation at a time.
// Libraries appended (src/kernels/sources.ts): lib/loss_reduce.wgsl, lib/step.wgsl.
struct Params { rows: u32, cols: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read> u: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> delta: array<f32>;
@group(0) @binding(5) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_index) local: u32) {
  let cols = params.cols;
  let scale = 1.0 / f32(params.rows);
  var partial = 0.0;
  for (var row = local; row < params.rows; row += 256u) {
    let base = row * cols;
    var top = u[base];
    for (var j = 1u; j < cols; j++) { top = max(top, u[base + j]); }
    var sumExp = 0.0;
    var sumY = 0.0;
    for (var j = 0u; j < cols; j++) {
      sumExp += exp(u[base + j] - top);
      sumY += y[base + j];
    }
    let lse = top + log(sumExp);
    for (var j = 0u; j < cols; j++) {
      let yv = y[base + j];
      let p = exp(u[base + j] - lse);
      partial += yv * (lse - u[base + j]);
      delta[base + j] = (p * sumY - yv) * scale;
    }
  }
  storeLossTotal(local, partial, scale);
}

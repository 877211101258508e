// layer_norm_backward_params: the gradients of layer_norm_forward's γ and β, x̂ recomputed from the
// forward's statistics:
//   ∂γ[k] = Σ_r ∂y[r,k] · (x[r,k] − mean[r]) · rstd[r],   ∂β[k] = Σ_r ∂y[r,k]
// One invocation per feature, adding rows in order (neighbouring invocations read neighbouring
// features of a row, so the loads coalesce). No normalisation (∂y already carries the loss's 1/B).
// Twin: layerNormBackwardParams in src/cpu/layer_norm.ts.
// Bindings: params {rows, features}; dy: [rows, features]; x: [rows, features]; mean, rstd: [rows];
//           dgamma, dbeta: [features], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over features (elementwiseWorkgroups).
// Libraries appended: none.
struct Params { rows: u32, features: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> mean: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(6) var<storage, read_write> dbeta: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let F = params.features;
  for (var k = gid.x; k < F; k += nwg.x * 256u) {
    var sg = 0.0;
    var sb = 0.0;
    for (var r = 0u; r < params.rows; r++) {
      let d = dy[r * F + k];
      sg += d * ((x[r * F + k] - mean[r]) * rstd[r]);
      sb += d;
    }
    dgamma[k] = sg;
    dbeta[k] = sb;
  }
}

// layer_norm_forward: layer normalisation over each row's `features` values (PyTorch's LayerNorm
// over the whole sample, elementwise_affine = true):
//   mean = (1/F) Σ_k x[r,k],  var = (1/F) Σ_k (x[r,k] − mean)²  (biased, two-pass),  rstd = 1/sqrt(var + ε)
//   y[r,k] = γ[k] · (x[r,k] − mean) · rstd + β[k]
// One workgroup of 64 per row: each invocation sums features k ≡ lid (mod 64), then a shared-memory
// tree adds the 64 partials (once for the mean, once for the variance). Twin: layerNormForward in
// src/cpu/layer_norm.ts (float64, index order: equal to rounding).
// Bindings: params {rows, features, epsilon}; x: [rows, features]; gamma, beta: [features];
//           y: [rows, features], written; mean, rstd: [rows], written (backward recomputes x̂ from them).
// Dispatch: one workgroup per row, at most `limit` workgroups, each striding over rows by the
// number of workgroups (workgroupPerItemWorkgroups(rows, limit)). Libraries appended: none.
struct Params { rows: u32, features: u32, epsilon: f32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd: array<f32>;

const WG = 64u;
var<workgroup> partial: array<f32, WG>;

// The sum of every invocation's v, returned to all of them; partial is free again on return.
fn workgroupSum(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  let total = partial[0];
  // Nobody may overwrite partial[0] (the next sum) before everyone has read it.
  workgroupBarrier();
  return total;
}

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_id) lid3: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let lid = lid3.x;
  let F = params.features;
  for (var r = wid.x; r < params.rows; r += nwg.x) {
    let base = r * F;
    var sum = 0.0;
    for (var k = lid; k < F; k += WG) { sum += x[base + k]; }
    let m = workgroupSum(lid, sum) / f32(F);
    var sq = 0.0;
    for (var k = lid; k < F; k += WG) {
      let d = x[base + k] - m;
      sq += d * d;
    }
    let rs = 1.0 / sqrt(workgroupSum(lid, sq) / f32(F) + params.epsilon);
    for (var k = lid; k < F; k += WG) { y[base + k] = gamma[k] * ((x[base + k] - m) * rs) + beta[k]; }
    if (lid == 0u) {
      mean[r] = m;
      rstd[r] = rs;
    }
  }
}

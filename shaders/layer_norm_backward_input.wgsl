// layer_norm_backward_input: the input gradient of layer_norm_forward, per row, with g = γ ⊙ ∂y and
// x̂ = (x − mean) · rstd recomputed from the forward's statistics:
//   ∂x[r,k] = rstd · (g[k] − mean_k(g) − x̂[r,k] · mean_k(g ⊙ x̂))
// One workgroup of 64 per row: each invocation sums features k ≡ lid (mod 64), then a shared-memory
// tree adds the 64 partial (Σg, Σg⊙x̂) pairs. Twin: layerNormBackwardInput in src/cpu/layer_norm.ts.
// Bindings: params {rows, features}; dy: ∂L/∂y [rows, features]; x: [rows, features];
//           gamma: [features]; mean, rstd: [rows]; dx: ∂x [rows, features], written.
// Dispatch: one workgroup per row, at most `limit` workgroups, each striding over rows by the
// number of workgroups (workgroupPerItemWorkgroups(rows, limit)). Libraries appended: none.
struct Params { rows: u32, features: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> gamma: array<f32>;
@group(0) @binding(4) var<storage, read> mean: array<f32>;
@group(0) @binding(5) var<storage, read> rstd: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;

const WG = 64u;
var<workgroup> partial: array<vec2f, WG>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_id) lid3: vec3u, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let lid = lid3.x;
  let F = params.features;
  for (var r = wid.x; r < params.rows; r += nwg.x) {
    let base = r * F;
    let m = mean[r];
    let rs = rstd[r];
    var sums = vec2f(0.0);
    for (var k = lid; k < F; k += WG) {
      let g = gamma[k] * dy[base + k];
      sums += vec2f(g, g * ((x[base + k] - m) * rs));
    }
    partial[lid] = sums;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
      if (lid < s) { partial[lid] += partial[lid + s]; }
      workgroupBarrier();
    }
    let means = partial[0] / f32(F);
    // Nobody may overwrite partial (the next row) before everyone has read its total.
    workgroupBarrier();
    for (var k = lid; k < F; k += WG) {
      let xhat = (x[base + k] - m) * rs;
      dx[base + k] = rs * (gamma[k] * dy[base + k] - means.x - xhat * means.y);
    }
  }
}

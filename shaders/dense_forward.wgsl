// dense_forward: one dense layer's forward pass, fused: U = X · Wᵀ + b, Z = σ(U).
// Bindings: params {batch, nIn, nOut}; x: X [batch, nIn]; w: W [nOut, nIn]; bias: b [nOut];
//           u: U [batch, nOut] and z: Z [batch, nOut], both written. U is kept for σ'(U) in backprop.
// Overrides: ACTIVATION, SLOPE (lib/activation.wgsl); TRANS_B must be true (W is read as Wᵀ).
// Dispatch: (ceil(nOut/64), ceil(batch/64)) workgroups of 16×16. Needs lib/matmul_tile.wgsl.
struct Params { batch: u32, nIn: u32, nOut: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> u: array<f32>;
@group(0) @binding(5) var<storage, read_write> z: array<f32>;

fn loadA(i: u32) -> f32 { return x[i]; }
fn loadB(i: u32) -> f32 { return w[i]; }

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let acc = matmulBlock(wg.xy, lid.xy, params.batch, params.nOut, params.nIn);
  for (var r = 0u; r < 4u; r++) {
    let row = wg.y * MM_TILE + lid.y * 4u + r;
    for (var j = 0u; j < 4u; j++) {
      let col = wg.x * MM_TILE + lid.x * 4u + j;
      if (row < params.batch && col < params.nOut) {
        let pre = acc[r][j] + bias[col];
        let i = row * params.nOut + col;
        u[i] = pre;
        z[i] = activate(pre);
      }
    }
  }
}

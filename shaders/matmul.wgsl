// matmul: C = op(A) · op(B), the plain product backprop needs for weight gradients
// (dW = δᵀ · Z with TRANS_A) and for any other transpose combination (TRANS_A, TRANS_B overrides).
// Bindings: params {M, N, K}; a: A as stored ([M,K] or [K,M]); b: B as stored ([K,N] or [N,K]);
//           c: C [M, N], written (overwritten), not accumulated.
// Dispatch: (ceil(N/64), ceil(M/64)) workgroups of 16×16. Needs lib/matmul_tile.wgsl.
struct Params { M: u32, N: u32, K: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

fn loadA(i: u32) -> f32 { return a[i]; }
fn loadB(i: u32) -> f32 { return b[i]; }

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let acc = matmulBlock(wg.xy, lid.xy, params.M, params.N, params.K);
  for (var r = 0u; r < 4u; r++) {
    let row = wg.y * MM_TILE + lid.y * 4u + r;
    for (var j = 0u; j < 4u; j++) {
      let col = wg.x * MM_TILE + lid.x * 4u + j;
      if (row < params.M && col < params.N) {
        c[row * params.N + col] = acc[r][j];
      }
    }
  }
}

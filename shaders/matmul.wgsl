// matmul: C = op(A) · op(B), the plain product backprop needs for weight gradients
// (dW = δᵀ · Z with TRANS_A) and for any other transpose combination (TRANS_A, TRANS_B overrides).
// Bindings: params {M, N, K}; a: A as stored ([M,K] or [K,M]); b: B as stored ([K,N] or [N,K]);
//           c: C [M, N], written (overwritten), not accumulated.
// Dispatch: 16×16 workgroups over tiles of 16·MM_ROWS × 16·MM_COLS outputs. Needs a matmul core
// (lib/matmul_shared.wgsl or lib/matmul_register.wgsl) and lib/matmul_layout.wgsl.
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
  for (var r = 0u; r < MM_ROWS; r++) {
    let row = mmRow(wg.xy, lid.xy, r);
    for (var j = 0u; j < MM_COLS; j++) {
      let col = mmCol(wg.xy, lid.xy, j);
      if (row < params.M && col < params.N) {
        c[row * params.N + col] = mmAt(acc, r, j);
      }
    }
  }
}

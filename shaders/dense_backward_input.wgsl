// dense_backward_input: backprop of δ through one dense layer, fused with the previous layer's
// activation derivative: dX = (dY · W) ⊙ σ'(U_prev). With ACTIVATION = linear (0) it is dY · W,
// the gradient with respect to the network input (uPrev is then bound but not read).
// Bindings: params {batch, nIn, nOut}; dy: δ [batch, nOut]; w: W [nOut, nIn];
//           uPrev: U of the previous layer [batch, nIn]; dx: [batch, nIn], written.
// Overrides: ACTIVATION, SLOPE of the previous layer (lib/activation.wgsl).
// Dispatch: 16×16 workgroups over tiles of 16·MM_ROWS × 16·MM_COLS outputs. Needs a matmul core
// (lib/matmul_shared.wgsl or lib/matmul_register.wgsl) and lib/matmul_layout.wgsl.
struct Params { batch: u32, nIn: u32, nOut: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> uPrev: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

fn loadA(i: u32) -> f32 { return dy[i]; }
fn loadB(i: u32) -> f32 { return w[i]; }

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let acc = matmulBlock(wg.xy, lid.xy, params.batch, params.nIn, params.nOut);
  for (var r = 0u; r < MM_ROWS; r++) {
    let row = mmRow(wg.xy, lid.xy, r);
    for (var j = 0u; j < MM_COLS; j++) {
      let col = mmCol(wg.xy, lid.xy, j);
      if (row < params.batch && col < params.nIn) {
        let i = row * params.nIn + col;
        var g = mmAt(acc, r, j);
        if (ACTIVATION != 0u) {
          g *= activateGrad(uPrev[i]);
        }
        dx[i] = g;
      }
    }
  }
}

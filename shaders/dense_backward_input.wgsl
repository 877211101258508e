// dense_backward_input: backprop of δ through one dense layer, fused with the previous layer's
// activation derivative: dX = (dY · W) ⊙ σ'(U_prev). With ACTIVATION = linear (0) it is dY · W,
// the gradient with respect to the network input (uPrev is then bound but not read).
// Bindings: params {batch, nIn, nOut}; dy: δ [batch, nOut]; w: W [nOut, nIn];
//           uPrev: U of the previous layer [batch, nIn]; dx: [batch, nIn], written.
// Overrides: ACTIVATION, SLOPE of the previous layer (lib/activation.wgsl).
// Dispatch: (ceil(nIn/64), ceil(batch/64)) workgroups of 16×16. Needs lib/matmul_tile.wgsl.
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
  for (var r = 0u; r < 4u; r++) {
    let row = wg.y * MM_TILE + lid.y * 4u + r;
    for (var j = 0u; j < 4u; j++) {
      let col = wg.x * MM_TILE + lid.x * 4u + j;
      if (row < params.batch && col < params.nIn) {
        let i = row * params.nIn + col;
        var g = acc[r][j];
        if (ACTIVATION != 0u) {
          g *= activateGrad(uPrev[i]);
        }
        dx[i] = g;
      }
    }
  }
}

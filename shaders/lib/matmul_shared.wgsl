// Library (no entry point): the workgroup-memory tiled matrix product, for GPUs.
// matmulBlock computes this invocation's 4×4 block of C = op(A)·op(B) for C [M, N], op(A) [M, K],
// op(B) [K, N], and hands each row of it to the kernel's mmStore. A workgroup of 16×16 invocations computes a 64×64 tile of C, staging 64×16 slices of
// op(A) and 16×64 slices of op(B) in workgroup memory. Out-of-range elements load as 0, so any
// M, N, K works (1, 7, 33, ...); lib/matmul_layout.wgsl says which outputs an invocation owns.
// The including kernel defines loadA(i) and loadB(i), element i of A and B as stored, and
// mmStore(row, col, v): v holds C at (row, col..col+3); it stores those with row < M and column < N;
// and mmRowSum (lib/matmul_layout.wgsl, ROW_SUMS).
// The 'shared' core: appended with lib/matmul_elements.wgsl (mmElementA/B) and
// lib/matmul_layout.wgsl (mmRow, mmCol, ROW_SUMS).
//   TRANS_A = false: A stored [M, K];  true: A stored [K, M] (op(A) = Aᵀ)
//   TRANS_B = false: B stored [K, N];  true: B stored [N, K] (op(B) = Bᵀ)
override TRANS_A: bool = false;
override TRANS_B: bool = false;

const MM_WG_X: u32 = 16u; // the tiles below assume 16×16 invocations
const MM_WG_Y: u32 = 16u;
const MM_ROWS: u32 = 4u;
const MM_COLS: u32 = 4u;
const MM_TILE: u32 = 64u;
const MM_DEPTH: u32 = 16u;
const MM_THREADS: u32 = 256u;

var<workgroup> mmTileA: array<f32, 1024>; // [MM_DEPTH][MM_TILE], element (k, m)
var<workgroup> mmTileB: array<f32, 1024>; // [MM_DEPTH][MM_TILE], element (k, n)

fn matmulBlock(wg: vec2u, local: vec2u, M: u32, N: u32, K: u32) {
  let rowBase = wg.y * MM_TILE;
  let colBase = wg.x * MM_TILE;
  let flat = local.y * 16u + local.x;
  var acc: array<vec4f, 4>;
  var sums = vec4f(); // ROW_SUMS: running sums of this invocation's 4 rows of op(A)
  for (var k0 = 0u; k0 < K; k0 += MM_DEPTH) {
    for (var t = 0u; t < 4u; t++) {
      let i = flat + t * MM_THREADS;
      // Neighbouring invocations read neighbouring addresses of the matrix as stored.
      var m = i / MM_DEPTH;
      var ka = i % MM_DEPTH;
      if (TRANS_A) { m = i % MM_TILE; ka = i / MM_TILE; }
      mmTileA[ka * MM_TILE + m] = mmElementA(rowBase + m, k0 + ka, M, K);
      var n = i % MM_TILE;
      var kb = i / MM_TILE;
      if (TRANS_B) { n = i / MM_DEPTH; kb = i % MM_DEPTH; }
      mmTileB[kb * MM_TILE + n] = mmElementB(k0 + kb, colBase + n, K, N);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < MM_DEPTH; kk++) {
      let bOff = kk * MM_TILE + local.x * 4u;
      let bv = vec4f(mmTileB[bOff], mmTileB[bOff + 1u], mmTileB[bOff + 2u], mmTileB[bOff + 3u]);
      let aOff = kk * MM_TILE + local.y * 4u;
      for (var r = 0u; r < 4u; r++) {
        acc[r] += mmTileA[aOff + r] * bv;
      }
      if (ROW_SUMS) {
        sums += vec4f(mmTileA[aOff], mmTileA[aOff + 1u], mmTileA[aOff + 2u], mmTileA[aOff + 3u]);
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    mmStore(mmRow(wg, local, r), mmCol(wg, local, 0u), acc[r]);
  }
  if (ROW_SUMS && mmCol(wg, local, 0u) == 0u) {
    for (var r = 0u; r < 4u; r++) {
      if (mmRow(wg, local, r) < M) { mmRowSum(mmRow(wg, local, r), sums[r]); }
    }
  }
}

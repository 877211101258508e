// Library (no entry point): the 128×128-tile matrix product, for GPUs with many registers per
// invocation (written for desktop GPUs such as an NVIDIA H100).
// matmulBlock computes this invocation's 8×8 block of C = op(A)·op(B) for C [M, N], op(A) [M, K],
// op(B) [K, N], and hands each row of it to the kernel's mmStore (columns 0..3 and 4..7 of the
// block); with ROW_SUMS, also the row sums of op(A) to mmRowSum. A workgroup of 16×16 invocations
// computes a 128×128 tile of C (lib/matmul_layout.wgsl says which outputs an invocation owns).
// Per step of 16 along k, the 256 invocations stage a 128×16 slice of op(A) and a 16×128 slice of
// op(B) in workgroup memory (8 elements of each per invocation, as two quads of 4 rows of op(A) or
// 4 columns of op(B) at one k; for A stored [M, K] or B stored [N, K], 16 neighbouring invocations
// take the 16 k of one quad, else 32 neighbours take the 32 quads of one k, so neighbours read
// neighbouring addresses of the matrix as stored); then each invocation reads, per k, its 8 rows
// of op(A) and 8 columns of op(B) as 4 vec4 and does 64 multiply-adds into 16 vec4 accumulators.
// Two barriers per step. Out-of-range elements load as 0, so any M, N, K ≥ 1 works.
// Workgroup memory: two tiles of 16 × 32 vec4 = 16384 bytes, WebGPU's default limit exactly.
// Tile layout: row k holds the 32 quads at that k; quad q (elements 4q..4q+3 of the 128) sits at
// position ((q mod 2)·16 + q / 2) xor (k mod 8). Invocation x (or y) reads its quads 2x and
// 2x + 1 at positions x and x + 16 (xor k mod 8), so eight neighbours read eight neighbouring vec4;
// the xor spreads the stores of invocations that write one quad at different k over the banks.
// The including kernel defines loadA(i) and loadB(i), element i of A and B as stored;
// mmStore(row, col, v): v holds C at (row, col..col+3); it stores those with row < M and column < N;
// and mmRowSum (lib/matmul_layout.wgsl, ROW_SUMS).
// The 'tiled' core: appended with lib/matmul_elements.wgsl (mmElementA/B) and
// lib/matmul_layout.wgsl (mmRow, mmCol, ROW_SUMS).
//   TRANS_A = false: A stored [M, K];  true: A stored [K, M] (op(A) = Aᵀ)
//   TRANS_B = false: B stored [K, N];  true: B stored [N, K] (op(B) = Bᵀ)
override TRANS_A: bool = false;
override TRANS_B: bool = false;

const MM_WG_X: u32 = 16u; // the tiles below assume 16×16 invocations
const MM_WG_Y: u32 = 16u;
const MM_ROWS: u32 = 8u;
const MM_COLS: u32 = 8u;
const MM_TILE: u32 = 128u; // rows of op(A), columns of op(B) per tile
const MM_DEPTH: u32 = 16u; // k per tile
const MM_QUADS: u32 = 32u; // vec4 per row of a tile: MM_TILE / 4

var<workgroup> mmTileA: array<vec4f, 512>; // [MM_DEPTH][MM_QUADS]: rows 4q..4q+3 of op(A) at k
var<workgroup> mmTileB: array<vec4f, 512>; // [MM_DEPTH][MM_QUADS]: columns 4q..4q+3 of op(B) at k

// Index in a tile of quad q at k (the layout above), and its inverse: the quad at position p.
fn mmSlot(q: u32, k: u32) -> u32 {
  return k * MM_QUADS + ((((q & 1u) << 4u) | (q >> 1u)) ^ (k & 7u));
}

fn mmQuadAt(p: u32, k: u32) -> u32 {
  let s = p ^ (k & 7u);
  return ((s & 15u) << 1u) | (s >> 4u);
}

// The quad (x) and k (y) of a tile that invocation `flat` stages in part 0 or 1 of its share.
// kContiguous: the matrix as stored has k contiguous, so 16 neighbours take the 16 k of a quad;
// else 32 neighbours take the quads at 32 neighbouring positions of one k.
fn mmTask(flat: u32, part: u32, kContiguous: bool) -> vec2u {
  if (kContiguous) { return vec2u(flat / MM_DEPTH + 16u * part, flat % MM_DEPTH); }
  let k = flat / MM_QUADS + 8u * part;
  return vec2u(mmQuadAt(flat % MM_QUADS, k), k);
}

// This invocation's share of the tiles for k0..k0+15: two quads of op(A), two of op(B).
fn mmStageA(flat: u32, rowBase: u32, k0: u32, M: u32, K: u32) {
  for (var part = 0u; part < 2u; part++) {
    let t = mmTask(flat, part, !TRANS_A);
    let row = rowBase + 4u * t.x;
    let k = k0 + t.y;
    mmTileA[mmSlot(t.x, t.y)] = vec4f(
      mmElementA(row, k, M, K), mmElementA(row + 1u, k, M, K),
      mmElementA(row + 2u, k, M, K), mmElementA(row + 3u, k, M, K));
  }
}

fn mmStageB(flat: u32, colBase: u32, k0: u32, K: u32, N: u32) {
  for (var part = 0u; part < 2u; part++) {
    let t = mmTask(flat, part, TRANS_B);
    let col = colBase + 4u * t.x;
    let k = k0 + t.y;
    mmTileB[mmSlot(t.x, t.y)] = vec4f(
      mmElementB(k, col, K, N), mmElementB(k, col + 1u, K, N),
      mmElementB(k, col + 2u, K, N), mmElementB(k, col + 3u, K, N));
  }
}

// One k of the 8×8 block: a0, a1 rows 0..3 and 4..7 of op(A); b0, b1 columns 0..3 and 4..7 of
// op(B); acc[2r] and acc[2r + 1] row r of the block (constant indices keep it in registers).
fn mmAccumulate(acc: ptr<function, array<vec4f, 16>>, a0: vec4f, a1: vec4f, b0: vec4f, b1: vec4f) {
  acc[0] += a0.x * b0; acc[1] += a0.x * b1;
  acc[2] += a0.y * b0; acc[3] += a0.y * b1;
  acc[4] += a0.z * b0; acc[5] += a0.z * b1;
  acc[6] += a0.w * b0; acc[7] += a0.w * b1;
  acc[8] += a1.x * b0; acc[9] += a1.x * b1;
  acc[10] += a1.y * b0; acc[11] += a1.y * b1;
  acc[12] += a1.z * b0; acc[13] += a1.z * b1;
  acc[14] += a1.w * b0; acc[15] += a1.w * b1;
}

fn mmStoreRow(wg: vec2u, local: vec2u, r: u32, left: vec4f, right: vec4f) {
  let row = mmRow(wg, local, r);
  mmStore(row, mmCol(wg, local, 0u), left);
  mmStore(row, mmCol(wg, local, 4u), right);
}

fn matmulBlock(wg: vec2u, local: vec2u, M: u32, N: u32, K: u32) {
  let rowBase = wg.y * MM_TILE;
  let colBase = wg.x * MM_TILE;
  let flat = local.y * MM_WG_X + local.x;
  var acc: array<vec4f, 16>;
  var sums0 = vec4f(); // ROW_SUMS: running sums of rows 0..3 of the block of op(A)
  var sums1 = vec4f(); // and of rows 4..7
  for (var k0 = 0u; k0 < K; k0 += MM_DEPTH) {
    mmStageA(flat, rowBase, k0, M, K);
    mmStageB(flat, colBase, k0, K, N);
    workgroupBarrier();
    for (var k = 0u; k < MM_DEPTH; k++) {
      let kRow = k * MM_QUADS;
      let s = k & 7u;
      let a0 = mmTileA[kRow + (local.y ^ s)];
      let a1 = mmTileA[kRow + ((local.y + 16u) ^ s)];
      let b0 = mmTileB[kRow + (local.x ^ s)];
      let b1 = mmTileB[kRow + ((local.x + 16u) ^ s)];
      mmAccumulate(&acc, a0, a1, b0, b1);
      if (ROW_SUMS) { sums0 += a0; sums1 += a1; }
    }
    workgroupBarrier();
  }
  mmStoreRow(wg, local, 0u, acc[0], acc[1]);
  mmStoreRow(wg, local, 1u, acc[2], acc[3]);
  mmStoreRow(wg, local, 2u, acc[4], acc[5]);
  mmStoreRow(wg, local, 3u, acc[6], acc[7]);
  mmStoreRow(wg, local, 4u, acc[8], acc[9]);
  mmStoreRow(wg, local, 5u, acc[10], acc[11]);
  mmStoreRow(wg, local, 6u, acc[12], acc[13]);
  mmStoreRow(wg, local, 7u, acc[14], acc[15]);
  if (ROW_SUMS && mmCol(wg, local, 0u) == 0u) {
    for (var r = 0u; r < 4u; r++) {
      let row = mmRow(wg, local, r);
      if (row < M) { mmRowSum(row, sums0[r]); }
      if (row + 4u < M) { mmRowSum(row + 4u, sums1[r]); }
    }
  }
}

// Library (no entry point): the register-blocked matrix product, for adapters where workgroup
// memory buys nothing (CPU implementations such as SwiftShader, where every buffer or workgroup
// access is a per-lane gather and barriers switch coroutines). It takes the rows of op(A) from a
// row loader: lib/matmul_rows_own.wgsl (each invocation loads its own) or lib/matmul_rows_quad.wgsl
// (the four invocations of a quad share rows and load a quarter each).
// Each invocation computes a 16×16 block of C = op(A)·op(B) straight from the buffers, four steps
// of k at a time: it loads k..k+3 of its 16 rows of op(A) and of its 16 columns of op(B) as vec4s
// (32 quads, each element reused 16 times) and accumulates 4×4 sub-blocks as mat4x4 products
// (each output gains a 4-term dot product per store of its accumulator, which a CPU compiler
// keeps in memory). A workgroup is MM_WG_X × MM_WG_Y invocations (overrides: small workgroups
// spread a small matrix over the CPU's cores, and a one-block-wide output gets a one-wide
// workgroup, so no SIMD lane idles), covering 16·MM_WG_Y rows × 16·MM_WG_X columns.
// Row and column indices are clamped, so loads stay in bounds without branches for any M, N, K.
// The including kernel defines loadA(i) and loadB(i), element i of A and B as stored, and
// mmStore(row, col, v): v holds C at (row, col..col+3); it stores those with row < M and column < N;
// and mmRowSum (lib/matmul_layout.wgsl, ROW_SUMS).
// The 'register' core is this file with lib/matmul_rows_own.wgsl, the 'quad' core this file with
// lib/matmul_rows_quad.wgsl (mmRowBases, mmRowsA, mmRowsATail, MM_EXIT_ON_COLUMNS); both also get
// lib/matmul_layout.wgsl (mmRow, mmCol, ROW_SUMS).
//   TRANS_A = false: A stored [M, K];  true: A stored [K, M]
//   TRANS_B = false: B stored [K, N];  true: B stored [N, K]
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override MM_WG_X: u32 = 4u;
override MM_WG_Y: u32 = 4u;
// False when the caller knows K is a multiple of 4: the compiler then drops the tail's code.
override K_TAIL: bool = true;

const MM_ROWS: u32 = 16u;
const MM_COLS: u32 = 16u;

// Where row `row` of op(A) (column `col` of op(B)) starts as stored; the row is clamped to M - 1.
fn mmBaseA(row: u32, M: u32, K: u32) -> u32 {
  let r = min(row, M - 1u);
  if (TRANS_A) { return r; }
  return r * K;
}

fn mmBaseB(col: u32, N: u32, K: u32) -> u32 {
  let c = min(col, N - 1u);
  if (TRANS_B) { return c * K; }
  return c;
}

// Elements k..k+3 of a row of op(A) (a column of op(B)) that starts at `base` as stored and moves
// `step` per k. The Tail versions are for the last, partial quad: elements at K and past are 0.
fn mmQuadA(base: u32, step: u32, k: u32) -> vec4f {
  let i = base + k * step;
  return vec4f(loadA(i), loadA(i + step), loadA(i + 2u * step), loadA(i + 3u * step));
}

fn mmQuadB(base: u32, step: u32, k: u32) -> vec4f {
  let i = base + k * step;
  return vec4f(loadB(i), loadB(i + step), loadB(i + 2u * step), loadB(i + 3u * step));
}

fn mmQuadATail(base: u32, step: u32, k: u32, K: u32) -> vec4f {
  let live = vec4u(k, k + 1u, k + 2u, k + 3u) < vec4u(K);
  let at = base + min(vec4u(k, k + 1u, k + 2u, k + 3u), vec4u(K - 1u)) * step;
  return select(vec4f(), vec4f(loadA(at.x), loadA(at.y), loadA(at.z), loadA(at.w)), live);
}

fn mmQuadBTail(base: u32, step: u32, k: u32, K: u32) -> vec4f {
  let live = vec4u(k, k + 1u, k + 2u, k + 3u) < vec4u(K);
  let at = base + min(vec4u(k, k + 1u, k + 2u, k + 3u), vec4u(K - 1u)) * step;
  return select(vec4f(), vec4f(loadB(at.x), loadB(at.y), loadB(at.z), loadB(at.w)), live);
}

// One step of k..k+3: xI holds rows 4I..4I+3 of op(A) (column t: row 4I + t), from the row
// loader; wJ columns 4J..4J+3 of op(B) transposed (row t: column 4J + t).
struct MMQuads { x0: mat4x4f, x1: mat4x4f, x2: mat4x4f, x3: mat4x4f, w0: mat4x4f, w1: mat4x4f, w2: mat4x4f, w3: mat4x4f }

fn mmLoad(a: array<u32, 16>, b: array<u32, 16>, sa: u32, sb: u32, k: u32) -> MMQuads {
  let x = mmRowsA(a, sa, k);
  return MMQuads(x.x0, x.x1, x.x2, x.x3,
    transpose(mat4x4f(mmQuadB(b[0], sb, k), mmQuadB(b[1], sb, k), mmQuadB(b[2], sb, k), mmQuadB(b[3], sb, k))),
    transpose(mat4x4f(mmQuadB(b[4], sb, k), mmQuadB(b[5], sb, k), mmQuadB(b[6], sb, k), mmQuadB(b[7], sb, k))),
    transpose(mat4x4f(mmQuadB(b[8], sb, k), mmQuadB(b[9], sb, k), mmQuadB(b[10], sb, k), mmQuadB(b[11], sb, k))),
    transpose(mat4x4f(mmQuadB(b[12], sb, k), mmQuadB(b[13], sb, k), mmQuadB(b[14], sb, k), mmQuadB(b[15], sb, k))));
}

fn mmLoadTail(a: array<u32, 16>, b: array<u32, 16>, sa: u32, sb: u32, k: u32, K: u32) -> MMQuads {
  let x = mmRowsATail(a, sa, k, K);
  return MMQuads(x.x0, x.x1, x.x2, x.x3,
    transpose(mat4x4f(mmQuadBTail(b[0], sb, k, K), mmQuadBTail(b[1], sb, k, K), mmQuadBTail(b[2], sb, k, K), mmQuadBTail(b[3], sb, k, K))),
    transpose(mat4x4f(mmQuadBTail(b[4], sb, k, K), mmQuadBTail(b[5], sb, k, K), mmQuadBTail(b[6], sb, k, K), mmQuadBTail(b[7], sb, k, K))),
    transpose(mat4x4f(mmQuadBTail(b[8], sb, k, K), mmQuadBTail(b[9], sb, k, K), mmQuadBTail(b[10], sb, k, K), mmQuadBTail(b[11], sb, k, K))),
    transpose(mat4x4f(mmQuadBTail(b[12], sb, k, K), mmQuadBTail(b[13], sb, k, K), mmQuadBTail(b[14], sb, k, K), mmQuadBTail(b[15], sb, k, K))));
}

// c[4I + J] is the 4×4 sub-block of rows 4I.., columns 4J..; its column t is row 4I + t.
fn mmAccumulate(c: ptr<function, array<mat4x4f, 16>>, q: MMQuads) {
  c[0] += q.w0 * q.x0; c[1] += q.w1 * q.x0; c[2] += q.w2 * q.x0; c[3] += q.w3 * q.x0;
  c[4] += q.w0 * q.x1; c[5] += q.w1 * q.x1; c[6] += q.w2 * q.x1; c[7] += q.w3 * q.x1;
  c[8] += q.w0 * q.x2; c[9] += q.w1 * q.x2; c[10] += q.w2 * q.x2; c[11] += q.w3 * q.x2;
  c[12] += q.w0 * q.x3; c[13] += q.w1 * q.x3; c[14] += q.w2 * q.x3; c[15] += q.w3 * q.x3;
}

fn mmSumRows(sums: ptr<function, array<mat4x4f, 4>>, q: MMQuads) {
  sums[0] += q.x0; sums[1] += q.x1; sums[2] += q.x2; sums[3] += q.x3;
}

fn matmulBlock(wg: vec2u, local: vec2u, M: u32, N: u32, K: u32) {
  let row0 = mmRow(wg, local, 0u);
  let col0 = mmCol(wg, local, 0u);
  // Blocks wholly outside C (a 10-wide output in a 64-wide tile) skip the work: there are no
  // barriers here, so invocations may leave early (as far as the row loader allows).
  if (row0 >= M || (MM_EXIT_ON_COLUMNS && col0 >= N)) {
    return;
  }
  let sa = select(1u, M, TRANS_A);
  let sb = select(N, 1u, TRANS_B);
  let a = mmRowBases(row0, local, M, K);
  let b = array<u32, 16>(
    mmBaseB(col0, N, K), mmBaseB(col0 + 1u, N, K), mmBaseB(col0 + 2u, N, K), mmBaseB(col0 + 3u, N, K),
    mmBaseB(col0 + 4u, N, K), mmBaseB(col0 + 5u, N, K), mmBaseB(col0 + 6u, N, K), mmBaseB(col0 + 7u, N, K),
    mmBaseB(col0 + 8u, N, K), mmBaseB(col0 + 9u, N, K), mmBaseB(col0 + 10u, N, K), mmBaseB(col0 + 11u, N, K),
    mmBaseB(col0 + 12u, N, K), mmBaseB(col0 + 13u, N, K), mmBaseB(col0 + 14u, N, K), mmBaseB(col0 + 15u, N, K));
  var c: array<mat4x4f, 16>;
  // ROW_SUMS: running sums of the row quads (column t: row 4I + t), kept by the first column of
  // workgroups only (a condition uniform across the workgroup), whose first blocks report them.
  var sums: array<mat4x4f, 4>;
  var k = 0u;
  for (; k + 4u <= K; k += 4u) {
    let q = mmLoad(a, b, sa, sb, k);
    mmAccumulate(&c, q);
    if (ROW_SUMS && wg.x == 0u) { mmSumRows(&sums, q); }
  }
  if (K_TAIL && k < K) {
    let q = mmLoadTail(a, b, sa, sb, k, K);
    mmAccumulate(&c, q);
    if (ROW_SUMS && wg.x == 0u) { mmSumRows(&sums, q); }
  }
  if (ROW_SUMS && col0 == 0u) {
    for (var r = 0u; r < MM_ROWS; r++) {
      if (row0 + r < M) { mmRowSum(row0 + r, dot(sums[r / 4u][r % 4u], vec4f(1.0))); }
    }
  }
  // Row r of the block is column r % 4 of the four sub-blocks of row group r / 4.
  for (var r = 0u; r < MM_ROWS; r++) {
    let g = (r / 4u) * 4u;
    let t = r % 4u;
    mmStore(row0 + r, col0, c[g][t]);
    mmStore(row0 + r, col0 + 4u, c[g + 1u][t]);
    mmStore(row0 + r, col0 + 8u, c[g + 2u][t]);
    mmStore(row0 + r, col0 + 12u, c[g + 3u][t]);
  }
}

// Library (no entry point): the register-blocked matrix product, for adapters where workgroup
// memory buys nothing (CPU implementations such as SwiftShader, where every buffer access is costly
// and barriers switch coroutines). Each invocation computes an 8×8 block of C = op(A)·op(B) straight
// from the buffers, reusing each loaded element 8 times; a 16×16 workgroup covers a 128×128 tile.
// The 16 accumulators are named variables, not an array: CPU compilers keep those in registers.
// Row and column indices are clamped, so loads stay in bounds without branches for any M, N, K;
// the caller stores only rows < M and columns < N (lib/matmul_layout.wgsl).
// The including kernel defines loadA(i) and loadB(i): element i of A and B as stored.
//   TRANS_A = false: A stored [M, K];  true: A stored [K, M]
//   TRANS_B = false: B stored [K, N];  true: B stored [N, K]
override TRANS_A: bool = false;
override TRANS_B: bool = false;

const MM_ROWS: u32 = 8u;
const MM_COLS: u32 = 8u;
const MM_VECS: u32 = 16u; // MM_ROWS · MM_COLS / 4

// Where row `row` of op(A) starts, and how far one step of k moves, as stored.
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

fn matmulBlock(wg: vec2u, local: vec2u, M: u32, N: u32, K: u32) -> array<vec4f, MM_VECS> {
  let row0 = mmRow(wg, local, 0u);
  let col0 = mmCol(wg, local, 0u);
  // Blocks wholly outside C (a 10-wide output in a 128-wide tile) skip the work: there are no
  // barriers here, so invocations may leave early.
  if (row0 >= M || col0 >= N) {
    return array<vec4f, MM_VECS>();
  }
  let aStep = select(1u, M, TRANS_A);
  let bStep = select(N, 1u, TRANS_B);
  let a0 = mmBaseA(row0, M, K);
  let a1 = mmBaseA(row0 + 1u, M, K);
  let a2 = mmBaseA(row0 + 2u, M, K);
  let a3 = mmBaseA(row0 + 3u, M, K);
  let a4 = mmBaseA(row0 + 4u, M, K);
  let a5 = mmBaseA(row0 + 5u, M, K);
  let a6 = mmBaseA(row0 + 6u, M, K);
  let a7 = mmBaseA(row0 + 7u, M, K);
  let b0 = mmBaseB(col0, N, K);
  let b1 = mmBaseB(col0 + 1u, N, K);
  let b2 = mmBaseB(col0 + 2u, N, K);
  let b3 = mmBaseB(col0 + 3u, N, K);
  let b4 = mmBaseB(col0 + 4u, N, K);
  let b5 = mmBaseB(col0 + 5u, N, K);
  let b6 = mmBaseB(col0 + 6u, N, K);
  let b7 = mmBaseB(col0 + 7u, N, K);
  var c00 = vec4f(); var c01 = vec4f(); var c10 = vec4f(); var c11 = vec4f();
  var c20 = vec4f(); var c21 = vec4f(); var c30 = vec4f(); var c31 = vec4f();
  var c40 = vec4f(); var c41 = vec4f(); var c50 = vec4f(); var c51 = vec4f();
  var c60 = vec4f(); var c61 = vec4f(); var c70 = vec4f(); var c71 = vec4f();
  for (var k = 0u; k < K; k++) {
    let ka = k * aStep;
    let kb = k * bStep;
    let lo = vec4f(loadB(b0 + kb), loadB(b1 + kb), loadB(b2 + kb), loadB(b3 + kb));
    let hi = vec4f(loadB(b4 + kb), loadB(b5 + kb), loadB(b6 + kb), loadB(b7 + kb));
    var v = loadA(a0 + ka); c00 += v * lo; c01 += v * hi;
    v = loadA(a1 + ka); c10 += v * lo; c11 += v * hi;
    v = loadA(a2 + ka); c20 += v * lo; c21 += v * hi;
    v = loadA(a3 + ka); c30 += v * lo; c31 += v * hi;
    v = loadA(a4 + ka); c40 += v * lo; c41 += v * hi;
    v = loadA(a5 + ka); c50 += v * lo; c51 += v * hi;
    v = loadA(a6 + ka); c60 += v * lo; c61 += v * hi;
    v = loadA(a7 + ka); c70 += v * lo; c71 += v * hi;
  }
  return array<vec4f, 16>(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71);
}

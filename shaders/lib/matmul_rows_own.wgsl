// Library (no entry point): the row loader of lib/matmul_register.wgsl where each invocation loads
// all 16 rows of op(A) its block needs (any adapter, any workgroup shape).
const MM_EXIT_ON_COLUMNS: bool = true;

// Where each of the block's 16 rows of op(A) starts, as stored.
fn mmRowBases(row0: u32, local: vec2u, M: u32, K: u32) -> array<u32, 16> {
  return array<u32, 16>(
    mmBaseA(row0, M, K), mmBaseA(row0 + 1u, M, K), mmBaseA(row0 + 2u, M, K), mmBaseA(row0 + 3u, M, K),
    mmBaseA(row0 + 4u, M, K), mmBaseA(row0 + 5u, M, K), mmBaseA(row0 + 6u, M, K), mmBaseA(row0 + 7u, M, K),
    mmBaseA(row0 + 8u, M, K), mmBaseA(row0 + 9u, M, K), mmBaseA(row0 + 10u, M, K), mmBaseA(row0 + 11u, M, K),
    mmBaseA(row0 + 12u, M, K), mmBaseA(row0 + 13u, M, K), mmBaseA(row0 + 14u, M, K), mmBaseA(row0 + 15u, M, K));
}

struct MMRows { x0: mat4x4f, x1: mat4x4f, x2: mat4x4f, x3: mat4x4f }

fn mmRowsA(a: array<u32, 16>, sa: u32, k: u32) -> MMRows {
  return MMRows(
    mat4x4f(mmQuadA(a[0], sa, k), mmQuadA(a[1], sa, k), mmQuadA(a[2], sa, k), mmQuadA(a[3], sa, k)),
    mat4x4f(mmQuadA(a[4], sa, k), mmQuadA(a[5], sa, k), mmQuadA(a[6], sa, k), mmQuadA(a[7], sa, k)),
    mat4x4f(mmQuadA(a[8], sa, k), mmQuadA(a[9], sa, k), mmQuadA(a[10], sa, k), mmQuadA(a[11], sa, k)),
    mat4x4f(mmQuadA(a[12], sa, k), mmQuadA(a[13], sa, k), mmQuadA(a[14], sa, k), mmQuadA(a[15], sa, k)));
}

fn mmRowsATail(a: array<u32, 16>, sa: u32, k: u32, K: u32) -> MMRows {
  return MMRows(
    mat4x4f(mmQuadATail(a[0], sa, k, K), mmQuadATail(a[1], sa, k, K), mmQuadATail(a[2], sa, k, K), mmQuadATail(a[3], sa, k, K)),
    mat4x4f(mmQuadATail(a[4], sa, k, K), mmQuadATail(a[5], sa, k, K), mmQuadATail(a[6], sa, k, K), mmQuadATail(a[7], sa, k, K)),
    mat4x4f(mmQuadATail(a[8], sa, k, K), mmQuadATail(a[9], sa, k, K), mmQuadATail(a[10], sa, k, K), mmQuadATail(a[11], sa, k, K)),
    mat4x4f(mmQuadATail(a[12], sa, k, K), mmQuadATail(a[13], sa, k, K), mmQuadATail(a[14], sa, k, K), mmQuadATail(a[15], sa, k, K)));
}

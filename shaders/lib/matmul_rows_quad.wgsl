// Library (no entry point): the row loader of lib/matmul_register.wgsl for adapters with
// subgroups: the four invocations of a quad own blocks on the same 16 rows of op(A) (neighbouring
// columns), so quad lane q loads rows 4q..4q+3 only and quadBroadcast hands each lane the others'
// (a quarter of the row loads; on SwiftShader a quad is one 4-wide SIMD group, where a broadcast
// is a register shuffle and every load is a per-lane gather).
// Needs: the module to start with `enable subgroups;` and `diagnostic(off, subgroup_uniformity);`;
// MM_WG_X a multiple of 4 (so a quad's lanes are x = 4j..4j+3 of one row of the workgroup); and
// quad lanes numbered like local_invocation_index (checked on the host before this loader is used:
// src/tuning/quad_probe.ts). Every lane of a quad stays in the loop (no exit on columns), since a
// broadcast needs all four.
const MM_EXIT_ON_COLUMNS: bool = false;

// Bases of the 4 rows this lane loads (rows 4q..4q+3 of the block, q = local.x % 4); the other 12
// entries are unused.
fn mmRowBases(row0: u32, local: vec2u, M: u32, K: u32) -> array<u32, 16> {
  let r = row0 + 4u * (local.x % 4u);
  var bases: array<u32, 16>;
  bases[0] = mmBaseA(r, M, K);
  bases[1] = mmBaseA(r + 1u, M, K);
  bases[2] = mmBaseA(r + 2u, M, K);
  bases[3] = mmBaseA(r + 3u, M, K);
  return bases;
}

struct MMRows { x0: mat4x4f, x1: mat4x4f, x2: mat4x4f, x3: mat4x4f }

// Lane I of the quad holds rows 4I..4I+3: xI is its matrix, column by column.
fn mmShareRows(own: mat4x4f) -> MMRows {
  return MMRows(
    mat4x4f(quadBroadcast(own[0], 0u), quadBroadcast(own[1], 0u), quadBroadcast(own[2], 0u), quadBroadcast(own[3], 0u)),
    mat4x4f(quadBroadcast(own[0], 1u), quadBroadcast(own[1], 1u), quadBroadcast(own[2], 1u), quadBroadcast(own[3], 1u)),
    mat4x4f(quadBroadcast(own[0], 2u), quadBroadcast(own[1], 2u), quadBroadcast(own[2], 2u), quadBroadcast(own[3], 2u)),
    mat4x4f(quadBroadcast(own[0], 3u), quadBroadcast(own[1], 3u), quadBroadcast(own[2], 3u), quadBroadcast(own[3], 3u)));
}

fn mmRowsA(a: array<u32, 16>, sa: u32, k: u32) -> MMRows {
  return mmShareRows(mat4x4f(mmQuadA(a[0], sa, k), mmQuadA(a[1], sa, k), mmQuadA(a[2], sa, k), mmQuadA(a[3], sa, k)));
}

fn mmRowsATail(a: array<u32, 16>, sa: u32, k: u32, K: u32) -> MMRows {
  return mmShareRows(mat4x4f(mmQuadATail(a[0], sa, k, K), mmQuadATail(a[1], sa, k, K), mmQuadATail(a[2], sa, k, K), mmQuadATail(a[3], sa, k, K)));
}

// Library (no entry point): element (row, k) of op(A) and (k, col) of op(B) as the
// workgroup-memory cores (lib/matmul_shared.wgsl, lib/matmul_tiled.wgsl) stage them: 0 outside
// the matrices, so any M, N, K works. Uses the including kernel's loadA / loadB and the core's
// TRANS_A / TRANS_B.
fn mmElementA(row: u32, k: u32, M: u32, K: u32) -> f32 {
  if (row >= M || k >= K) { return 0.0; }
  if (TRANS_A) { return loadA(k * M + row); }
  return loadA(row * K + k);
}

fn mmElementB(k: u32, col: u32, K: u32, N: u32) -> f32 {
  if (k >= K || col >= N) { return 0.0; }
  if (TRANS_B) { return loadB(col * K + k); }
  return loadB(k * N + col);
}

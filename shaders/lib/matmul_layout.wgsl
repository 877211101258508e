// Library (no entry point): which outputs an invocation of a matmul kernel owns, for every matmul
// core (the core defines MM_ROWS × MM_COLS, the block of C per invocation, and the workgroup
// MM_WG_X × MM_WG_Y: lib/matmul_shared.wgsl 4 × 4 in 16 × 16 workgroups; lib/matmul_tiled.wgsl
// 8 × 8 in 16 × 16; lib/matmul_register.wgsl 16 × 16 in MM_WG_X × MM_WG_Y, overrides).
// Appended to every matrix kernel after its core (src/kernels/sources.ts, kernelSource).
// Invocation (x, y) of workgroup (wx, wy) owns rows (wy·MM_WG_Y + y)·MM_ROWS + r and
// columns (wx·MM_WG_X + x)·MM_COLS + j; matmulBlock hands them
// to the kernel's mmStore four columns at a time.
// ROW_SUMS: the kernel also wants the row sums of op(A), Σ_k op(A)[row, k] (a dense layer's bias
// gradient, taken while its weight-gradient product reads δ): the core then calls the kernel's
// mmRowSum(row, sum) once for every row < M, from the invocations whose block starts at column 0.
// When false (the default) the compiler drops that code; every kernel defines mmRowSum anyway.
override ROW_SUMS: bool = false;
fn mmRow(wg: vec2u, local: vec2u, r: u32) -> u32 {
  return (wg.y * MM_WG_Y + local.y) * MM_ROWS + r;
}

fn mmCol(wg: vec2u, local: vec2u, j: u32) -> u32 {
  return (wg.x * MM_WG_X + local.x) * MM_COLS + j;
}

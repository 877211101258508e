// Library (no entry point): which outputs an invocation of a matmul kernel owns, for either
// matmul core (lib/matmul_shared.wgsl: MM_ROWS = MM_COLS = 4; lib/matmul_register.wgsl: 8 × 8).
// Workgroups are 16×16 invocations; invocation (x, y) of workgroup (wx, wy) owns rows
// wy·16·MM_ROWS + y·MM_ROWS + r and columns wx·16·MM_COLS + x·MM_COLS + j; matmulBlock returns
// them as vec4s, row-major: element (r, j) is mmAt(values, r, j).
fn mmRow(wg: vec2u, local: vec2u, r: u32) -> u32 {
  return (wg.y * 16u + local.y) * MM_ROWS + r;
}

fn mmCol(wg: vec2u, local: vec2u, j: u32) -> u32 {
  return (wg.x * 16u + local.x) * MM_COLS + j;
}

fn mmAt(values: array<vec4f, MM_VECS>, r: u32, j: u32) -> f32 {
  let quad = values[r * (MM_COLS / 4u) + j / 4u];
  return quad[j % 4u];
}

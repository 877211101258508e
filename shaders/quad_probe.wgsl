// quad_probe: reports which invocation each lane of every quad is, so the host can check that a
// quad is four consecutive invocations along x (local_invocation_index 4j..4j+3), the order
// lib/matmul_rows_quad.wgsl relies on. Not a numerical kernel: src/tuning/quad_probe.ts checks it.
// Bindings: lanes: [4 · invocations] u32, written: lanes[4i + l] = local_invocation_index of quad
//           lane l, as seen by invocation i.
// Overrides: PROBE_X, PROBE_Y, the workgroup shape to probe.
// Dispatch: one workgroup.
// Libraries appended (src/kernels/sources.ts): none.
enable subgroups;

override PROBE_X: u32 = 4u;
override PROBE_Y: u32 = 4u;

@group(0) @binding(0) var<storage, read_write> lanes: array<u32>;

@compute @workgroup_size(PROBE_X, PROBE_Y)
fn main(@builtin(local_invocation_index) i: u32) {
  lanes[4u * i] = quadBroadcast(i, 0u);
  lanes[4u * i + 1u] = quadBroadcast(i, 1u);
  lanes[4u * i + 2u] = quadBroadcast(i, 2u);
  lanes[4u * i + 3u] = quadBroadcast(i, 3u);
}

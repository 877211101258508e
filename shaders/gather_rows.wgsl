// gather_rows: assembles a batch from the dataset held on the GPU:
// out[r, :] = src[indices[step.start + r], :] for r < rows (a shuffled minibatch when indices is a
// permutation). step.start comes from a per-step uniform slot (dynamic offset), so every step of an
// epoch is recorded once, with no buffer written between steps.
// Bindings: params {rows, cols}; step (lib/step.wgsl: start, slot); indices: [≥ start + rows] u32;
//           src: [dataset rows, cols]; out: [rows, cols], written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over the rows · cols outputs (a row index
// per output by division: cheap next to the loads, and no invocation idles on a narrow row).
// Libraries appended (src/kernels/sources.ts): lib/step.wgsl.
struct Params { rows: u32, cols: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read> indices: array<u32>;
@group(0) @binding(3) var<storage, read> src: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let cols = params.cols;
  for (var e = gid.x; e < params.rows * cols; e += nwg.x * 256u) {
    let r = e / cols;
    out[e] = src[indices[step.start + r] * cols + (e - r * cols)];
  }
}

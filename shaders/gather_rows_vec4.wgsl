// gather_rows_vec4: gather_rows for rows whose length is a multiple of 4, four floats per load and
// store: out[r, :] = src[indices[step.start + r], :] for r < rows. The arrays are read as vec4s, so
// cols must be a multiple of 4 (the caller uses gather_rows otherwise).
// Bindings: params {rows, cols}; step (lib/step.wgsl: start, slot); indices: [≥ start + rows] u32;
//           src: [dataset rows, cols]; out: [rows, cols], written.
// Dispatch: as gather_rows, over rows · cols / 4 quads.
// Libraries appended (src/kernels/sources.ts): lib/step.wgsl.
struct Params { rows: u32, cols: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read> indices: array<u32>;
@group(0) @binding(3) var<storage, read> src: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4f>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let quads = params.cols / 4u;
  for (var e = gid.x; e < params.rows * quads; e += nwg.x * 256u) {
    let r = e / quads;
    out[e] = src[indices[step.start + r] * quads + (e - r * quads)];
  }
}

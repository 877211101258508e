// random_shift: each image of the batch moved by whole pixels, a fresh random offset per image and
// training step, zero fill (augmentation; the layer is the identity outside training):
//   bits_r = pcg(dropoutStream(seed, layer, step.counter) ^ r) >> 8        (lib/random.wgsl)
//   dy_r = bits_r mod (2·maxY + 1) − maxY,  dx_r = (bits_r div (2·maxY + 1)) mod (2·maxX + 1) − maxX
//   y[r, c, i, j] = x[r, c, i − sign·dy_r, j − sign·dx_r]   (0 where that pixel is outside the image)
// sign = 1 is the forward shift; sign = −1 is its adjoint, the backward pass ∂x = Sᵀ·δ (the same
// offsets: the step's counter is the same in both passes). Twin: src/cpu/random_shift.ts.
// Bindings: params {count, channels, height, width, maxY, maxX, sign, seed, layer}; step
//           (lib/step.wgsl: counter); x: [rows, channels, height, width]; y: the same, written.
// Dispatch: up to 4096 workgroups of 256, grid-stride over count = rows·channels·height·width.
// Libraries appended (src/kernels/sources.ts): lib/step.wgsl, lib/random.wgsl.
struct Params { count: u32, channels: u32, height: u32, width: u32, maxY: u32, maxX: u32, sign: i32, seed: u32, layer: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<uniform> step: Step;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let stream = dropoutStream(params.seed, params.layer, step.counter);
  let plane = params.height * params.width;
  let image = params.channels * plane;
  let spanY = 2u * params.maxY + 1u;
  let spanX = 2u * params.maxX + 1u;
  for (var e = gid.x; e < params.count; e += nwg.x * 256u) {
    let r = e / image;
    let bits = dropoutBits(stream, r);
    let dy = i32(bits % spanY) - i32(params.maxY);
    let dx = i32((bits / spanY) % spanX) - i32(params.maxX);
    let inPlane = e % plane;
    let si = i32(inPlane / params.width) - params.sign * dy;
    let sj = i32(inPlane % params.width) - params.sign * dx;
    var v = 0.0;
    if (si >= 0 && si < i32(params.height) && sj >= 0 && sj < i32(params.width)) {
      v = x[e - inPlane + u32(si) * params.width + u32(sj)];
    }
    y[e] = v;
  }
}

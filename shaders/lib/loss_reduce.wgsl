// Library (no entry point): sums one f32 per invocation over a single 256-invocation workgroup,
// in a fixed order (so the same inputs give bit-identical losses), and stores the total, scaled,
// into loss[step.slot]. The including kernel binds `loss` and `step`.
var<workgroup> lossPartials: array<f32, 256>;

fn storeLossTotal(local: u32, partial: f32, scale: f32) {
  lossPartials[local] = partial;
  workgroupBarrier();
  for (var width = 128u; width > 0u; width /= 2u) {
    if (local < width) {
      lossPartials[local] += lossPartials[local + width];
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    loss[step.slot] = lossPartials[0] * scale;
  }
}

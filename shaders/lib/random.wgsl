// Library (no entry point): counter-based random numbers, a pure function of their inputs, so a
// kernel draws them without any state buffer and the CPU twin (src/cpu/dropout.ts) recomputes the
// same values bit for bit.
//   pcgHash(v)   the PCG-RXS-M-XS hash of Jarzynski and Olano ("Hash Functions for GPU Rendering",
//                2020): state = v·747796405 + 2891336453; word = ((state >> ((state >> 28) + 4)) ^ state)
//                · 277803737; (word >> 22) ^ word, all in u32 wrap-around arithmetic.
//   dropoutStream(seed, layer, counter) = pcg(pcg(pcg(seed) ^ layer) ^ counter): one per kernel call.
//   dropoutBits(stream, i) = pcg(stream ^ i) >> 8: 24 uniform bits for element i (an f32 holds
//                every 24-bit integer exactly, should a caller want u = bits / 2²⁴).
fn pcgHash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn dropoutStream(seed: u32, layer: u32, counter: u32) -> u32 {
  return pcgHash(pcgHash(pcgHash(seed) ^ layer) ^ counter);
}

fn dropoutBits(stream: u32, i: u32) -> u32 {
  return pcgHash(stream ^ i) >> 8u;
}

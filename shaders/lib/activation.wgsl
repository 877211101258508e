// Library (no entry point): element-wise activations and their derivatives, chosen by override
// constants so that one pipeline is compiled per activation instead of branching per element.
//   ACTIVATION: 0 linear, 1 sigmoid, 2 tanh, 3 relu, 4 leaky relu (ids in src/types.ts ACTIVATION_ID)
//   SLOPE:      leaky relu's slope for negative inputs
// Derivatives are taken from the pre-activation u; relu'(0) = 0, leaky relu'(0) = SLOPE.
override ACTIVATION: u32 = 0u;
override SLOPE: f32 = 0.01;

fn sigmoidOf(u: f32) -> f32 {
  // Two branches keep exp() from overflowing for large |u|.
  if (u >= 0.0) {
    return 1.0 / (1.0 + exp(-u));
  }
  let e = exp(u);
  return e / (1.0 + e);
}

fn tanhOf(u: f32) -> f32 {
  // Some drivers build tanh from exp and return NaN for large |u|; tanh(±15) is ±1 in f32.
  return tanh(clamp(u, -15.0, 15.0));
}

fn activate(u: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return sigmoidOf(u); }
    case 2u: { return tanhOf(u); }
    case 3u: { return max(u, 0.0); }
    case 4u: { return select(SLOPE * u, u, u > 0.0); }
    default: { return u; }
  }
}

fn activateGrad(u: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { let s = sigmoidOf(u); return s * (1.0 - s); }
    case 2u: { let t = tanhOf(u); return 1.0 - t * t; }
    case 3u: { return select(0.0, 1.0, u > 0.0); }
    case 4u: { return select(SLOPE, 1.0, u > 0.0); }
    default: { return 1.0; }
  }
}

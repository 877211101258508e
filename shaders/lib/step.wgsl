// Library (no entry point): the per-step uniform of the training step, declared once for the kernels
// that read it (bound as `@group(0) @binding(1) var<uniform> step: Step;`: one 256-byte slot per step,
// picked with a dynamic offset). All values are filled on the CPU for each step:
//   start    = first row of this step's batch in the epoch's order
//   slot     = this step's loss slot
//   lr       = this step's scheduled learning rate μ_t
//   stepSize = μ_t / (1 − β1^t)        (adam/adamw; t counts optimizer steps from 1)
//   bc2Sqrt  = sqrt(1 − β2^t)          (adam/adamw)
//   decay    = 1 − μ_t·λ               (adamw's decoupled weight decay; 1 otherwise)
//   counter  = training steps taken before this one (the model's step count: dropout's mask stream)
// adamStepScalars (src/cpu/adam_update.ts) computes stepSize, bc2Sqrt and decay in float64.
struct Step { start: u32, slot: u32, lr: f32, stepSize: f32, bc2Sqrt: f32, decay: f32, counter: u32 }

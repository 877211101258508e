/** Shared names used by the GPU kernels, the CPU reference and the public API. */

/** Element-wise activations. `leakyRelu` uses a slope for negative inputs (default 0.01). */
export const ACTIVATIONS = ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu', 'softmax'] as const;
export type Activation = (typeof ACTIVATIONS)[number];
/** Activations that act element-wise (everything except the row-wise softmax). */
export type ElementwiseActivation = Exclude<Activation, 'softmax'>;

/** Numeric id of each element-wise activation, as the WGSL `ACTIVATION` override constant reads it. */
export const ACTIVATION_ID: Record<ElementwiseActivation, number> = {
  linear: 0,
  sigmoid: 1,
  tanh: 2,
  relu: 3,
  leakyRelu: 4,
};

/**
 * Losses. `mse`: mean over all batch·outputs elements of (ŷ − y)². `crossEntropy`: softmax
 * cross-entropy on the logits of a softmax output layer, mean over rows. `binaryCrossEntropy`:
 * on the logits of a sigmoid output layer, mean over all batch·outputs elements.
 */
export const LOSSES = ['mse', 'crossEntropy', 'binaryCrossEntropy'] as const;
export type LossName = (typeof LOSSES)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adam', 'adamw', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/**
 * Weight initialisers. `auto` (the default) picks per layer by its activation: He for relu and
 * leakyRelu, Xavier for tanh, sigmoid, linear and softmax. `normal` is the course notes' N(0, 1).
 */
export const INITIALIZERS = ['auto', 'normal', 'xavier', 'he'] as const;
export type InitializerName = (typeof INITIALIZERS)[number];

/** Arrays the CPU reference computes in: float32 like the GPU, or float64 for finite differences. */
export type FloatArray = Float32Array | Float64Array;

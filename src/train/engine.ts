import type { OptimizerName } from '../types.js';

/** The optimizer of one epoch's steps. */
export interface StepOptimizer {
  kind: OptimizerName;
  learningRate: number;
  /** β of momentum (ignored by sgd). */
  momentum: number;
}

/** A dataset handed to a backend once (uploaded to the GPU once) and trained on for many epochs. */
export interface Dataset {
  readonly rows: number;
  readonly x: Float32Array;
  /** Targets [rows, outputs]; null for inference without targets. */
  readonly y: Float32Array | null;
}

export interface GradientResult {
  /** The loss of the batch, or null when the caller supplied the output gradient. */
  loss: number | null;
  /** ∂ℓ/∂θ in the flat parameter layout (see model/layout.ts). */
  grads: Float32Array;
  /** ∂ℓ/∂X [rows, inputSize]. */
  inputGrad: Float32Array;
  /** The network output Ŷ [rows, outputs] (probabilities for a softmax output). */
  output: Float32Array;
}

/**
 * What a backend does; Sequential does the checking and the bookkeeping around it. The GPU and CPU
 * backends run the same kernels in the same order, so their numbers agree to rounding.
 */
export interface Engine {
  readonly kind: 'gpu' | 'cpu';
  /** Trains one epoch: batches follow `order`; returns each step's batch loss. */
  trainEpoch(
    data: Dataset,
    order: Uint32Array,
    batchSize: number,
    optimizer: StepOptimizer,
    onLosses: (firstStep: number, losses: Float32Array) => void,
  ): Promise<Float32Array>;
  /** Forward pass over a dataset: outputs [rows, outputs] and, with targets, the mean loss. */
  infer(data: Dataset): Promise<{ outputs: Float32Array; loss: number | null }>;
  /** Gradients for one batch without updating: from targets `y`, or from a given ∂ℓ/∂Ŷ. */
  gradients(x: Float32Array, rows: number, target: { y: Float32Array } | { outputGrad: Float32Array }): Promise<GradientResult>;
  readParams(): Promise<Float32Array>;
  writeParams(params: Float32Array): void;
  readVelocity(): Promise<Float32Array>;
  writeVelocity(velocity: Float32Array): void;
  /** Frees what belongs to a dataset (GPU buffers); a no-op on the CPU. */
  release(data: Dataset): void;
  stats(): { buffers: number; bytes: number };
  dispose(): void;
}

import type { StepPlan, StepValues } from '../plan/types.js';
import type { TrainingRule } from '../plan/planner.js';

/** The per-step values of one training step other than its batch start and loss slot. */
export type StepScalarValues = Omit<StepValues, 'start' | 'slot'>;

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
 * What a backend does; Sequential does the checking and the bookkeeping around it. Both backends
 * run the step plans of plan/planner.ts: the GPU records them, the CPU interprets them with the
 * kernels' CPU twins, so their numbers agree to rounding.
 */
export interface Engine {
  readonly kind: 'gpu' | 'cpu';
  /** Called with every plan the engine builds (tests check both backends run the same lists). */
  onPlan: ((plan: StepPlan) => void) | null;
  /**
   * Trains one epoch: batches follow `order`; `steps[s]` holds step s's rate and optimizer scalars.
   * Returns each step's batch loss.
   */
  trainEpoch(
    data: Dataset,
    order: Uint32Array,
    batchSize: number,
    rule: TrainingRule,
    steps: StepScalarValues[],
    onLosses: (firstStep: number, losses: Float32Array) => void,
  ): Promise<Float32Array>;
  /**
   * Gets a fit ready before its first epoch is timed: the GPU uploads the dataset and compiles the
   * step plans (full batch and tail) here, so progress reports' samples/s measure training alone.
   */
  prepareFit(data: Dataset, batchSize: number, rule: TrainingRule): Promise<void>;
  /** Forward pass over a dataset: outputs [rows, outputs] and, with targets, the mean loss. */
  infer(data: Dataset): Promise<{ outputs: Float32Array; loss: number | null }>;
  /** Gradients for one batch without updating: from targets `y`, or from a given ∂ℓ/∂Ŷ. */
  gradients(x: Float32Array, rows: number, target: { y: Float32Array } | { outputGrad: Float32Array }): Promise<GradientResult>;
  readParams(): Promise<Float32Array>;
  writeParams(params: Float32Array): void | Promise<void>;
  /** An optimizer state tensor in the flat layout (zeros if it was never used). */
  readState(name: string): Promise<Float32Array>;
  writeState(name: string, values: Float32Array): void | Promise<void>;
  /** Frees what belongs to a dataset (GPU buffers); a no-op on the CPU. */
  release(data: Dataset): void;
  stats(): { buffers: number; bytes: number };
  dispose(): void;
}

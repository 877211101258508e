// A training step (or an inference or gradient pass) as data: the ordered kernel invocations, each
// naming the tensors it binds as views into named buffers. The planner (plan/planner.ts) builds it
// from the model's modules without touching any GPU object; the GPU engine compiles and records it,
// the CPU engine runs the same list through the CPU twins (kernels/twins.ts).
import type { KernelName } from '../kernels/sources.js';

/**
 * A tensor: `length` floats (or u32s) from `offset` of a named buffer; without offset and length,
 * the whole buffer. Buffer names:
 * - `params`, `grads`, `state.<name>` (optimizer state): the model's flat parameter layout;
 * - `dataset.x`, `dataset.y`, `dataset.order`: the uploaded dataset and the epoch's row order;
 * - `batch.x`, `batch.y` (targets, or the caller's ∂ℓ/∂Ŷ), `batch.deltaX` (∂ℓ/∂X);
 * - `u<t>`, `z<t>`, `delta<t>`: layer t's pre-activation, activation and δ = ∂ℓ/∂U, [rows, units];
 * - `lossLog`: one loss per step slot; `gradNorm.partial`, `gradNorm.scale`: the clip reduction.
 */
export interface View {
  buffer: string;
  offset?: number;
  length?: number;
}

/** How many workgroups: each rule is a function of kernels/workgroups.ts. */
export type Grid =
  | { kind: 'elementwise'; count: number }
  | { kind: 'optimizer'; count: number }
  /** `splits`: that many layers of workgroups in z (split-K chunks), default 1. */
  | { kind: 'matmul'; rows: number; cols: number; depth: number; splits?: number }
  | { kind: 'perRow'; rows: number }
  /** One workgroup per item (a reduction inside each), grid-striding when items exceed the limit. */
  | { kind: 'workgroupPerItem'; count: number }
  | { kind: 'gradNorm'; count: number }
  | { kind: 'single' };

export interface Invocation {
  kernel: KernelName;
  /** Every storage binding of the kernel, by its WGSL name. */
  tensors: Record<string, View>;
  /** The kernel's `params` uniform. Per-step values (batch start, loss slot, rate) come from the step uniform. */
  params: Record<string, number>;
  /** Override constants (ACTIVATION, TRANS_B, CLIP, ...); the matmul core's own come from the GPU. */
  constants: Record<string, number | boolean>;
  grid: Grid;
}

/** What a plan is for: a training step, a forward pass (with or without a loss), or one gradient. */
export type PlanKind = 'train' | 'infer' | 'inferLoss' | 'gradTargets' | 'gradGiven';

export interface StepPlan {
  kind: PlanKind;
  rows: number;
  invocations: Invocation[];
}

/** The per-step uniform's values (shaders/lib/step.wgsl), one record per step of a submit. */
export interface StepValues {
  start: number;
  slot: number;
  lr: number;
  stepSize: number;
  bc2Sqrt: number;
  decay: number;
  /** Training steps taken before this one (the model's step count): dropout's masks are a function of it. */
  counter: number;
}

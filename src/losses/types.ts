// A loss module: from the output layer's U (and Z) and the targets, the output δ = ∂ℓ/∂U and the
// batch loss, written to the step's loss slot, in one invocation.
import type { ElementwiseActivation } from '../types.js';
import type { Invocation, View } from '../plan/types.js';

export interface LossInputs {
  rows: number;
  cols: number;
  u: View;
  z: View;
  y: View;
  delta: View;
  /** The output layer's element-wise activation (softmax counts as linear: the loss applies it). */
  activation: ElementwiseActivation;
  slope: number;
}

export interface LossModule {
  name: string;
  delta(i: LossInputs): Invocation;
}

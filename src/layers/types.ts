// A layer module: the parameters it declares and the invocations of its forward and backward
// passes, written against views the planner hands it (llm.c style: both directions in one file).
import type { Invocation, View } from '../plan/types.js';
import type { ElementwiseActivation } from '../types.js';

export interface ParameterDecl {
  /** `weight`, `bias`: checkpointed as `layers.<index>.<name>`. */
  name: string;
  /** PyTorch's shape, e.g. [units, inputs] for a dense weight. */
  shape: number[];
  /**
   * How it starts: `random` draws from the model's initialiser (N(0, 1), Xavier or He with the given
   * fan-in and fan-out) in row-major order; `zeros` and `ones` draw nothing.
   */
  init: { kind: 'random'; fanIn: number; fanOut: number } | { kind: 'zeros' } | { kind: 'ones' };
}

/** Where layer t's tensors live, for `rows` samples. */
export interface LayerViews {
  rows: number;
  nIn: number;
  nOut: number;
  activation: ElementwiseActivation;
  slope: number;
  /** Its input (the previous layer's Z, or the batch) and output U and Z. */
  input: View;
  u: View;
  z: View;
  /** δ = ∂ℓ/∂U of this layer. */
  delta: View;
  params: Record<string, View>;
  grads: Record<string, View>;
}

/** What backward needs of the layer below, to write its δ (the activation derivative is fused). */
export interface PreviousLayer {
  /** The previous layer's U (unused when the activation is linear: the network input). */
  u: View;
  /** Where the previous layer's δ goes (∂ℓ/∂X for the first layer). */
  delta: View;
  activation: ElementwiseActivation;
  slope: number;
}

export interface LayerModule {
  type: string;
  parameters(nIn: number, units: number): ParameterDecl[];
  forward(l: LayerViews): Invocation[];
  /** Parameter gradients from δ. */
  backwardParams(l: LayerViews): Invocation[];
  /** δ of the layer below from this layer's δ. */
  backwardInput(l: LayerViews, prev: PreviousLayer): Invocation[];
}

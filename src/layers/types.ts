// A layer module: how its spec is checked, its output shape, the parameters it declares and the
// invocations of its forward and backward passes, written against views the planner hands it (llm.c
// style: both directions in one file). The engines never learn what a layer is: they run invocations.
import type { Invocation, View } from '../plan/types.js';
import type { Activation, ElementwiseActivation } from '../types.js';

/** A sample's shape: [features] for flat data, [channels, height, width] for images (NCHW rows). */
export type Shape = readonly number[];

/** What every canonical layer config may carry (dense keeps PyTorch's nn.Linear names and no `type`). */
export interface LayerConfigBase {
  type?: string;
  activation?: Activation;
  slope?: number;
}

export interface ParameterDecl {
  /** `weight`, `bias`: checkpointed as `layers.<index>.<name>`. */
  name: string;
  /** PyTorch's shape, e.g. [units, inputs] for a dense weight, [filters, channels, kh, kw] for conv2d. */
  shape: number[];
  /**
   * How it starts: `random` draws from the model's initialiser (N(0, 1), Xavier or He with the given
   * fan-in and fan-out) in row-major order; `zeros` and `ones` draw nothing.
   */
  init: { kind: 'random'; fanIn: number; fanOut: number } | { kind: 'zeros' } | { kind: 'ones' };
}

/** Where layer t's tensors live, for `rows` samples. */
export interface LayerViews<C extends LayerConfigBase = LayerConfigBase> {
  /** The layer's index in the model and its canonical config. */
  index: number;
  layer: C;
  rows: number;
  inShape: Shape;
  outShape: Shape;
  /** True in training steps (dropout draws masks), false in inference and gradient passes. */
  training: boolean;
  /** The model's seed (dropout's mask stream). */
  seed: number;
  /** Its input (the previous layer's Z, or the batch), its output U and Z (Z is U without an activation). */
  input: View;
  u: View;
  z: View;
  /** δ = ∂ℓ/∂U of this layer. */
  delta: View;
  params: Record<string, View>;
  grads: Record<string, View>;
  /** Per-row buffers the module asked for (scratch()), by name. */
  scratch: Record<string, View>;
}

/** What backward needs of the layer below, to write its δ. */
export interface PreviousLayer {
  /** The previous layer's U (unused when the activation is linear: e.g. the network input). */
  u: View;
  /** Where the previous layer's δ = ∂ℓ/∂U goes (∂ℓ/∂X for the first layer). */
  delta: View;
  /**
   * Where ∂ℓ/∂Z of the previous layer goes, for modules that do not fuse σ': δ itself when the
   * previous activation is linear, else a buffer the planner turns into δ with activationBackward.
   */
  gradZ: View;
  activation: ElementwiseActivation;
  slope: number;
}

export interface LayerModule<C extends LayerConfigBase = LayerConfigBase> {
  type: string;
  /** The keys its spec may have besides `type`. */
  keys: readonly string[];
  /**
   * Checks a spec given the layer's input shape and returns its canonical config (plain JSON: saved
   * in checkpoints and read back through here). Errors are ConfigErrors that start with `where`,
   * e.g. "layers[2] (conv2d)", and say what to do.
   */
  configure(spec: Record<string, unknown>, inShape: Shape, where: string): C;
  /** `where` names the layer in errors (a window larger than its input). */
  outputShape(layer: C, inShape: Shape, where?: string): Shape;
  parameters(layer: C, inShape: Shape): ParameterDecl[];
  /** Per-row scratch buffers (max pooling's arg-max, dropout's mask, layer norm's statistics). */
  scratch?(layer: C, inShape: Shape): Record<string, { width: number; u32?: boolean }>;
  /** Passes its input through unchanged (no kernels, no buffers of its own): flatten, dropout outside training. */
  identity?(layer: C, training: boolean): boolean;
  /** Writes Z = σ(U) itself into its own buffer; otherwise Z is U (layers without an activation). */
  ownsZ(layer: C): boolean;
  /** Its backwardInput writes the previous δ with σ' applied (dense); otherwise it writes prev.gradZ. */
  fusesActivationGrad: boolean;
  forward(l: LayerViews<C>): Invocation[];
  /** Parameter gradients from δ. */
  backwardParams(l: LayerViews<C>): Invocation[];
  /** δ (or ∂ℓ/∂Z, see fusesActivationGrad) of the layer below from this layer's δ. */
  backwardInput(l: LayerViews<C>, prev: PreviousLayer): Invocation[];
}

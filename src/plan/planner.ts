// The planner: from the model's layers, loss and optimizer, the invocations of one step, as data.
// Pure: no GPU objects, no buffers; both engines run exactly what it returns. Layers are modules
// (src/layers): the planner only wires their views together, and applies σ' between a layer whose
// backward does not fuse it and a layer below with an activation.
import { layerModule } from '../layers/index.js';
import { activationGrad, elementwise, features } from '../layers/spec.js';
import type { LayerViews, PreviousLayer, Shape } from '../layers/types.js';
import { LOSS_MODULES } from '../losses/index.js';
import { activationOf, layerShapes, outputLayer, outputSize, slopeOf, type NetConfig } from '../model/config.js';
import type { ParamLayout, TensorSlot } from '../model/layout.js';
import type { OptimizerModule, OptimizerSettings } from '../optimizers/index.js';
import { gradNormWorkgroups } from '../kernels/workgroups.js';
import type { Invocation, PlanKind, StepPlan, View } from './types.js';

export interface ModelShape {
  cfg: NetConfig;
  layout: ParamLayout;
}

export interface TrainingRule {
  optimizer: OptimizerModule;
  settings: OptimizerSettings;
}

const slot = (buffer: string, s: TensorSlot): View => ({ buffer, offset: s.offset, length: s.length });

/** Where a layer's tensors are in one kind of plan (identity layers borrow the layer below's). */
interface Wiring extends PreviousLayer {
  input: View;
  z: View;
  identity: boolean;
  /**
   * No parameters at or below it (only identity or parameter-free layers such as randomShift or
   * pooling down to the network input): its δ matters only for ∂ℓ/∂X, so training skips it.
   */
  onInput: boolean;
}

/** The network input as "the layer below" the first: linear, its δ is ∂ℓ/∂X. */
const NETWORK_INPUT: Wiring = {
  input: { buffer: 'batch.x' },
  u: { buffer: 'batch.x' },
  z: { buffer: 'batch.x' },
  delta: { buffer: 'batch.deltaX' },
  gradZ: { buffer: 'batch.deltaX' },
  activation: 'linear',
  slope: 0,
  identity: true,
  onInput: true,
};

type Shapes = ReturnType<typeof layerShapes>;

function wiring(m: ModelShape, shapes: Shapes, training: boolean): Wiring[] {
  let below: Wiring = NETWORK_INPUT;
  return m.cfg.layers.map((layer, t) => {
    const module = layerModule(layer);
    const input = below.z;
    if (module.identity?.(layer, training)) {
      below = { ...below, input, u: below.z, delta: below.gradZ, activation: 'linear', slope: 0, identity: true };
    } else {
      const activation = elementwise(activationOf(layer));
      const u = { buffer: `u${t}` };
      const delta = { buffer: `delta${t}` };
      below = {
        input,
        u,
        z: module.ownsZ(layer) ? { buffer: `z${t}` } : u,
        delta,
        gradZ: activation === 'linear' ? delta : { buffer: `dz${t}` },
        activation,
        slope: slopeOf(layer),
        identity: false,
        onInput: below.onInput && module.parameters(layer, shapes[t].inShape).length === 0,
      };
    }
    return below;
  });
}

function layerViews(m: ModelShape, w: Wiring[], shapes: Shapes, t: number, rows: number, training: boolean): LayerViews {
  const layer = m.cfg.layers[t];
  const tensors = m.layout.layers[t].tensors;
  const scratch = layerModule(layer).scratch?.(layer, shapes[t].inShape) ?? {};
  return {
    index: t,
    layer,
    rows,
    inShape: shapes[t].inShape,
    outShape: shapes[t].outShape,
    training,
    seed: m.cfg.seed,
    input: w[t].input,
    u: w[t].u,
    z: w[t].z,
    delta: w[t].delta,
    params: Object.fromEntries(tensors.map((s) => [s.name, slot('params', s)])),
    grads: Object.fromEntries(tensors.map((s) => [s.name, slot('grads', s)])),
    scratch: Object.fromEntries(Object.keys(scratch).map((name) => [name, { buffer: `${name}${t}` }])),
  };
}

/** What the planner knows of one kind of pass: the wiring and the views of every layer. */
function pass(m: ModelShape, rows: number, training: boolean) {
  const shapes = layerShapes(m.cfg);
  const w = wiring(m, shapes, training);
  return { w, views: m.cfg.layers.map((_, t) => layerViews(m, w, shapes, t, rows, training)) };
}
type Pass = ReturnType<typeof pass>;

/** Rows of a dataset buffer gathered through the epoch's order into a batch buffer. */
function gather(rows: number, cols: number, src: string, out: string): Invocation {
  const vec4 = cols % 4 === 0; // rows of a multiple of 4 floats (MNIST's 784) move as vec4s
  return {
    kernel: vec4 ? 'gatherRowsVec4' : 'gatherRows',
    tensors: { indices: { buffer: 'dataset.order' }, src: { buffer: src }, out: { buffer: out } },
    params: { rows, cols },
    constants: {},
    grid: { kind: 'elementwise', count: vec4 ? (rows * cols) / 4 : rows * cols },
  };
}

function forward(m: ModelShape, p: Pass): Invocation[] {
  return m.cfg.layers.flatMap((layer, t) => (p.w[t].identity ? [] : layerModule(layer).forward(p.views[t])));
}

/** P = softmax(U) into the output layer's Z, for a softmax output; nothing otherwise. */
function softmaxOutput(m: ModelShape, rows: number): Invocation[] {
  const last = m.cfg.layers.length - 1;
  if (outputLayer(m.cfg).activation !== 'softmax') return [];
  return [
    {
      kernel: 'softmaxForward',
      tensors: { u: { buffer: `u${last}` }, z: { buffer: `z${last}` } },
      params: { rows, cols: outputSize(m.cfg) },
      constants: {},
      grid: { kind: 'perRow', rows },
    },
  ];
}

function loss(m: ModelShape, rows: number): Invocation {
  const last = m.cfg.layers.length - 1;
  const out = outputLayer(m.cfg);
  return LOSS_MODULES[m.cfg.loss].delta({
    rows,
    cols: outputSize(m.cfg),
    u: { buffer: `u${last}` },
    z: { buffer: `z${last}` },
    y: { buffer: 'batch.y' },
    delta: { buffer: `delta${last}` },
    activation: elementwise(out.activation),
    slope: out.slope,
  });
}

/** Parameter gradients of every layer, last first, and δ of each layer below (∂ℓ/∂X when asked). */
function backward(m: ModelShape, p: Pass, inputGrad: boolean): Invocation[] {
  const list: Invocation[] = [];
  for (let t = m.cfg.layers.length - 1; t >= 0; t--) {
    if (p.w[t].identity) continue; // its δ is the layer below's ∂ℓ/∂Z already
    const views = p.views[t];
    const module = layerModule(m.cfg.layers[t]);
    list.push(...module.backwardParams(views));
    const onInput = t === 0 || p.w[t - 1].onInput;
    if (onInput && !inputGrad) continue;
    const prev: PreviousLayer = t === 0 ? NETWORK_INPUT : p.w[t - 1];
    list.push(...module.backwardInput(views, prev));
    // σ' of the layer below (through any identity layers), when this module wrote ∂ℓ/∂Z.
    let below = t - 1;
    while (below >= 0 && p.w[below].identity) below--;
    const target = below >= 0 ? p.w[below] : null;
    const fused = module.fusesActivationGrad && below === t - 1;
    if (target && !fused && target.activation !== 'linear') {
      const count = p.views[below].rows * features(p.views[below].outShape);
      list.push(activationGrad(target.activation, target.slope, target.gradZ, target.u, target.delta, count));
    }
  }
  return list;
}

/** Global-norm clipping: the factor min(1, c/(‖g‖ + 1e-6)) into gradNorm.scale, on the GPU. */
function clip(count: number, maxNorm: number): Invocation[] {
  const parts = gradNormWorkgroups(count).parts;
  return [
    {
      kernel: 'gradNormPartial',
      tensors: { g: { buffer: 'grads' }, partial: { buffer: 'gradNorm.partial' } },
      params: { count },
      constants: {},
      grid: { kind: 'gradNorm', count },
    },
    {
      kernel: 'gradNormScale',
      tensors: { partial: { buffer: 'gradNorm.partial' }, scale: { buffer: 'gradNorm.scale' } },
      params: { parts, maxNorm },
      constants: {},
      grid: { kind: 'single' },
    },
  ];
}

/** δ of the output from a caller-given ∂ℓ/∂Ŷ in batch.y (custom losses): ⊙ σ'(U). */
function givenOutputGrad(m: ModelShape, rows: number): Invocation {
  const last = m.cfg.layers.length - 1;
  const out = outputLayer(m.cfg);
  const count = rows * outputSize(m.cfg);
  return activationGrad(elementwise(out.activation), out.slope, { buffer: 'batch.y' }, { buffer: `u${last}` }, { buffer: `delta${last}` }, count);
}

/** The invocations of one step of `kind` over `rows` samples; training steps need the optimizer and its settings. */
export function planStep(m: ModelShape, kind: PlanKind, rows: number, rule?: TrainingRule): StepPlan {
  const nIn = m.cfg.inputSize;
  const nOut = outputSize(m.cfg);
  const p = pass(m, rows, kind === 'train');
  let invocations: Invocation[];
  switch (kind) {
    case 'train': {
      if (!rule) throw new Error('planStep: a training step needs an optimizer');
      const count = m.layout.total;
      invocations = [
        gather(rows, nIn, 'dataset.x', 'batch.x'),
        gather(rows, nOut, 'dataset.y', 'batch.y'),
        ...forward(m, p),
        loss(m, rows),
        ...backward(m, p, false),
        ...(rule.settings.clipNorm > 0 ? clip(count, rule.settings.clipNorm) : []),
        rule.optimizer.update(count, rule.settings),
      ];
      break;
    }
    case 'infer':
      invocations = [gather(rows, nIn, 'dataset.x', 'batch.x'), ...forward(m, p), ...softmaxOutput(m, rows)];
      break;
    case 'inferLoss':
      invocations = [
        gather(rows, nIn, 'dataset.x', 'batch.x'),
        ...forward(m, p),
        ...softmaxOutput(m, rows),
        gather(rows, nOut, 'dataset.y', 'batch.y'),
        loss(m, rows),
      ];
      break;
    case 'gradTargets':
      invocations = [...forward(m, p), loss(m, rows), ...backward(m, p, true), ...softmaxOutput(m, rows)];
      break;
    case 'gradGiven':
      invocations = [...forward(m, p), givenOutputGrad(m, rows), ...backward(m, p, true), ...softmaxOutput(m, rows)];
      break;
  }
  return { kind, rows, invocations };
}

/** A per-row buffer of the plans: values per batch row, and whether they are u32 (max pooling's arg-max). */
export interface RowBuffer {
  width: number;
  u32?: boolean;
}

/**
 * Every per-row buffer any plan of the model binds (batch.*, u<t>, z<t>, delta<t>, dz<t>, the
 * modules' scratch), with its width; identity layers (flatten) have none.
 */
export function activationBuffers(m: ModelShape): Record<string, RowBuffer> {
  const buffers: Record<string, RowBuffer> = {
    'batch.x': { width: m.cfg.inputSize },
    'batch.y': { width: outputSize(m.cfg) },
    'batch.deltaX': { width: m.cfg.inputSize },
  };
  const shapes = layerShapes(m.cfg);
  const w = wiring(m, shapes, true);
  const last = m.cfg.layers.length - 1;
  m.cfg.layers.forEach((layer, t) => {
    if (w[t].identity) return;
    const width = features(shapes[t].outShape);
    const module = layerModule(layer);
    buffers[`u${t}`] = { width };
    if (module.ownsZ(layer)) buffers[`z${t}`] = { width };
    buffers[`delta${t}`] = { width };
    if (t < last && w[t].activation !== 'linear') buffers[`dz${t}`] = { width };
    for (const [name, spec] of Object.entries(module.scratch?.(layer, shapes[t].inShape) ?? {})) buffers[`${name}${t}`] = spec;
  });
  return buffers;
}

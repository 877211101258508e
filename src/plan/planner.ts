// The planner: from the model's layers, loss and optimizer, the invocations of one step, as data.
// Pure: no GPU objects, no buffers; both engines run exactly what it returns.
import { activationConstants } from '../layers/dense.js';
import { layerModule } from '../layers/index.js';
import type { LayerViews, PreviousLayer } from '../layers/types.js';
import { LOSS_MODULES } from '../losses/index.js';
import { denseActivation, outputSize, type NetConfig } from '../model/config.js';
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

function layerViews(m: ModelShape, t: number, rows: number): LayerViews {
  const layer = m.cfg.layers[t];
  const { nIn, nOut, weight, bias } = m.layout.layers[t];
  return {
    rows,
    nIn,
    nOut,
    activation: denseActivation(layer.activation),
    slope: layer.slope,
    input: { buffer: t === 0 ? 'batch.x' : `z${t - 1}` },
    u: { buffer: `u${t}` },
    z: { buffer: `z${t}` },
    delta: { buffer: `delta${t}` },
    params: { weight: slot('params', weight), bias: slot('params', bias) },
    grads: { weight: slot('grads', weight), bias: slot('grads', bias) },
  };
}

function previous(m: ModelShape, t: number): PreviousLayer {
  if (t === 0) return { u: { buffer: 'batch.x' }, delta: { buffer: 'batch.deltaX' }, activation: 'linear', slope: 0 };
  const layer = m.cfg.layers[t - 1];
  return { u: { buffer: `u${t - 1}` }, delta: { buffer: `delta${t - 1}` }, activation: denseActivation(layer.activation), slope: layer.slope };
}

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

function forward(m: ModelShape, rows: number): Invocation[] {
  return m.cfg.layers.flatMap((layer, t) => layerModule(layer).forward(layerViews(m, t, rows)));
}

/** P = softmax(U) into the output layer's Z, for a softmax output; nothing otherwise. */
function softmaxOutput(m: ModelShape, rows: number): Invocation[] {
  const last = m.cfg.layers.length - 1;
  if (m.cfg.layers[last].activation !== 'softmax') return [];
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
  const out = m.cfg.layers[last];
  return LOSS_MODULES[m.cfg.loss].delta({
    rows,
    cols: outputSize(m.cfg),
    u: { buffer: `u${last}` },
    z: { buffer: `z${last}` },
    y: { buffer: 'batch.y' },
    delta: { buffer: `delta${last}` },
    activation: denseActivation(out.activation),
    slope: out.slope,
  });
}

/** Parameter gradients of every layer, last first, and δ of each layer below (∂ℓ/∂X when asked). */
function backward(m: ModelShape, rows: number, inputGrad: boolean): Invocation[] {
  const list: Invocation[] = [];
  for (let t = m.cfg.layers.length - 1; t >= 0; t--) {
    const views = layerViews(m, t, rows);
    const module = layerModule(m.cfg.layers[t]);
    list.push(...module.backwardParams(views));
    if (t > 0 || inputGrad) list.push(...module.backwardInput(views, previous(m, t)));
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
  const out = m.cfg.layers[last];
  const count = rows * outputSize(m.cfg);
  return {
    kernel: 'activationBackward',
    tensors: { dz: { buffer: 'batch.y' }, u: { buffer: `u${last}` }, delta: { buffer: `delta${last}` } },
    params: { count },
    constants: activationConstants(denseActivation(out.activation), out.slope),
    grid: { kind: 'elementwise', count },
  };
}

/** The invocations of one step of `kind` over `rows` samples; training steps need the optimizer and its settings. */
export function planStep(m: ModelShape, kind: PlanKind, rows: number, rule?: TrainingRule): StepPlan {
  const nIn = m.cfg.inputSize;
  const nOut = outputSize(m.cfg);
  let invocations: Invocation[];
  switch (kind) {
    case 'train': {
      if (!rule) throw new Error('planStep: a training step needs an optimizer');
      const count = m.layout.total;
      invocations = [
        gather(rows, nIn, 'dataset.x', 'batch.x'),
        gather(rows, nOut, 'dataset.y', 'batch.y'),
        ...forward(m, rows),
        loss(m, rows),
        ...backward(m, rows, false),
        ...(rule.settings.clipNorm > 0 ? clip(count, rule.settings.clipNorm) : []),
        rule.optimizer.update(count, rule.settings),
      ];
      break;
    }
    case 'infer':
      invocations = [gather(rows, nIn, 'dataset.x', 'batch.x'), ...forward(m, rows), ...softmaxOutput(m, rows)];
      break;
    case 'inferLoss':
      invocations = [
        gather(rows, nIn, 'dataset.x', 'batch.x'),
        ...forward(m, rows),
        ...softmaxOutput(m, rows),
        gather(rows, nOut, 'dataset.y', 'batch.y'),
        loss(m, rows),
      ];
      break;
    case 'gradTargets':
      invocations = [...forward(m, rows), loss(m, rows), ...backward(m, rows, true), ...softmaxOutput(m, rows)];
      break;
    case 'gradGiven':
      invocations = [...forward(m, rows), givenOutputGrad(m, rows), ...backward(m, rows, true), ...softmaxOutput(m, rows)];
      break;
  }
  return { kind, rows, invocations };
}

/** Floats each activation buffer of the plans needs per batch row. */
export function activationWidths(m: ModelShape): Record<string, number> {
  const widths: Record<string, number> = { 'batch.x': m.cfg.inputSize, 'batch.y': outputSize(m.cfg), 'batch.deltaX': m.cfg.inputSize };
  m.cfg.layers.forEach((layer, t) => {
    widths[`u${t}`] = layer.units;
    widths[`z${t}`] = layer.units;
    widths[`delta${t}`] = layer.units;
  });
  return widths;
}

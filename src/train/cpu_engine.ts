import { CPU_TWINS, type Tensor } from '../kernels/twins.js';
import { gradNormWorkgroups } from '../kernels/workgroups.js';
import { outputSize, type NetConfig } from '../model/config.js';
import type { ParamLayout } from '../model/layout.js';
import { activationBuffers, planStep, type ModelShape, type TrainingRule } from '../plan/planner.js';
import type { PlanKind, StepPlan, StepValues, View } from '../plan/types.js';
import type { Dataset, Engine, GradientResult, StepScalarValues } from './engine.js';

const NO_SCALARS: StepScalarValues = { lr: 0, stepSize: 0, bc2Sqrt: 1, decay: 1, counter: 0 };

/**
 * The CPU backend: interprets the planner's step plans with the kernels' CPU twins (src/cpu), in
 * float32 storage. Slow, simple, and the yardstick for the GPU, which records the same plans.
 */
export class CpuEngine implements Engine {
  readonly kind = 'cpu';
  onPlan: ((plan: StepPlan) => void) | null = null;
  private readonly model: ModelShape;
  /** The model's buffers: params, grads, state.<name>, the clip factor. */
  private readonly buffers = new Map<string, Tensor>();

  constructor(cfg: NetConfig, layout: ParamLayout, initial: Float32Array) {
    this.model = { cfg, layout };
    this.buffers.set('params', initial.slice());
    this.buffers.set('grads', new Float32Array(layout.total));
    this.buffers.set('gradNorm.scale', new Float32Array(1));
    this.buffers.set('gradNorm.partial', new Float32Array(gradNormWorkgroups(layout.total).parts));
  }

  private state(name: string): Float32Array {
    const key = `state.${name}`;
    let values = this.buffers.get(key) as Float32Array | undefined;
    if (!values) {
      values = new Float32Array(this.model.layout.total);
      this.buffers.set(key, values);
    }
    return values;
  }

  private plan(kind: PlanKind, rows: number, rule?: TrainingRule): StepPlan {
    const plan = planStep(this.model, kind, rows, rule);
    this.onPlan?.(plan);
    return plan;
  }

  /** The buffers a plan binds: the model's, plus batch and activation buffers for `rows` and the dataset's. */
  private workspace(rows: number, extra: Record<string, Tensor>): Map<string, Tensor> {
    const space = new Map(this.buffers);
    for (const [name, b] of Object.entries(activationBuffers(this.model))) space.set(name, b.u32 ? new Uint32Array(rows * b.width) : new Float32Array(rows * b.width));
    space.set('lossLog', new Float32Array(1));
    for (const [name, values] of Object.entries(extra)) space.set(name, values);
    return space;
  }

  private run(plan: StepPlan, space: Map<string, Tensor>, step: StepValues): void {
    for (const inv of plan.invocations) {
      const tensors: Record<string, Tensor> = {};
      for (const [binding, view] of Object.entries(inv.tensors)) tensors[binding] = this.view(space, view, inv.kernel);
      const twin = CPU_TWINS[inv.kernel];
      if (!twin) throw new Error(`kernel ${inv.kernel} has no CPU twin`);
      twin(tensors, inv.params, inv.constants, step);
    }
  }

  private view(space: Map<string, Tensor>, view: View, kernel: string): Tensor {
    const buffer = view.buffer.startsWith('state.') ? this.state(view.buffer.slice(6)) : space.get(view.buffer);
    if (!buffer) throw new Error(`${kernel}: no buffer ${view.buffer}`);
    if (view.offset === undefined && view.length === undefined) return buffer;
    const offset = view.offset ?? 0;
    return buffer.subarray(offset, view.length === undefined ? undefined : offset + view.length);
  }

  async trainEpoch(
    data: Dataset,
    order: Uint32Array,
    batchSize: number,
    rule: TrainingRule,
    steps: StepScalarValues[],
    onLosses: (first: number, losses: Float32Array) => void,
  ): Promise<Float32Array> {
    const count = Math.ceil(data.rows / batchSize);
    const losses = new Float32Array(count);
    const dataset = { 'dataset.x': data.x, 'dataset.y': data.y!, 'dataset.order': order, lossLog: losses };
    const full = this.plan('train', batchSize, rule);
    const tailRows = data.rows - (count - 1) * batchSize;
    const tail = tailRows === batchSize ? full : this.plan('train', tailRows, rule);
    const space = this.workspace(batchSize, dataset);
    const tailSpace = tail === full ? space : this.workspace(tailRows, dataset);
    for (let s = 0; s < count; s++) {
      const last = s === count - 1;
      this.run(last ? tail : full, last ? tailSpace : space, { start: s * batchSize, slot: s, ...steps[s] });
      onLosses(s, losses.subarray(s, s + 1));
      // Let the event loop breathe (progress bars, UI) every 16 steps.
      if (s % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return losses;
  }

  async prepareFit(): Promise<void> {}

  async infer(data: Dataset): Promise<{ outputs: Float32Array; loss: number | null }> {
    const kind = data.y ? 'inferLoss' : 'infer';
    const identity = new Uint32Array(data.rows).map((_, i) => i);
    const extra: Record<string, Tensor> = { 'dataset.x': data.x, 'dataset.order': identity };
    if (data.y) extra['dataset.y'] = data.y;
    const space = this.workspace(data.rows, extra);
    this.run(this.plan(kind, data.rows), space, { start: 0, slot: 0, ...NO_SCALARS });
    const outputs = (space.get(`z${this.model.cfg.layers.length - 1}`) as Float32Array).slice();
    return { outputs, loss: data.y ? (space.get('lossLog') as Float32Array)[0] : null };
  }

  async gradients(x: Float32Array, rows: number, target: { y: Float32Array } | { outputGrad: Float32Array }): Promise<GradientResult> {
    const fromTargets = 'y' in target;
    const space = this.workspace(rows, {});
    (space.get('batch.x') as Float32Array).set(x);
    (space.get('batch.y') as Float32Array).set(fromTargets ? target.y : target.outputGrad);
    this.run(this.plan(fromTargets ? 'gradTargets' : 'gradGiven', rows), space, { start: 0, slot: 0, ...NO_SCALARS });
    const last = this.model.cfg.layers.length - 1;
    return {
      loss: fromTargets ? (space.get('lossLog') as Float32Array)[0] : null,
      grads: (this.buffers.get('grads') as Float32Array).slice(),
      inputGrad: (space.get('batch.deltaX') as Float32Array).slice(),
      output: (space.get(`z${last}`) as Float32Array).slice(0, rows * outputSize(this.model.cfg)),
    };
  }

  async readParams(): Promise<Float32Array> {
    return (this.buffers.get('params') as Float32Array).slice();
  }

  writeParams(params: Float32Array): void {
    (this.buffers.get('params') as Float32Array).set(params);
  }

  async readState(name: string): Promise<Float32Array> {
    return this.state(name).slice();
  }

  writeState(name: string, values: Float32Array): void {
    this.state(name).set(values);
  }

  release(): void {}

  stats(): { buffers: number; bytes: number } {
    return { buffers: 0, bytes: 0 };
  }

  dispose(): void {}
}

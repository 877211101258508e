import { DisposedError } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { BufferUsage } from '../gpu/flags.js';
import { createBindGroup, createUniform, encode, hasStepBinding, packStruct, pipeline, STEP_BINDING, STEP_STRIDE, type Dispatch, type Resource } from '../kernels/kernel.js';
import { elementwiseWorkgroups, gradNormWorkgroups, matmulLaunch, optimizerWorkgroups, perItemWorkgroups, SINGLE_WORKGROUP, workgroupPerItemWorkgroups } from '../kernels/workgroups.js';
import { outputSize, type NetConfig } from '../model/config.js';
import type { ParamLayout } from '../model/layout.js';
import { optimizerSettings } from '../optimizers/settings.js';
import { activationBuffers, planStep, type ModelShape, type TrainingRule } from '../plan/planner.js';
import type { Invocation, PlanKind, StepPlan, StepValues, View } from '../plan/types.js';
import type { Dataset, Engine, GradientResult, StepScalarValues } from './engine.js';
import { SubmitPacer, type SubmitTicket } from './pacer.js';

/** Per-batch GPU buffers (batch.x, batch.y, batch.deltaX, u<t>, z<t>, delta<t>), sized for `capacity` rows. */
interface Activations {
  capacity: number;
  buffers: Map<string, GPUBuffer>;
}

interface GpuDataset {
  id: number;
  x: GPUBuffer;
  y: GPUBuffer | null;
  order: GPUBuffer;
}

/** A step plan compiled for the GPU: dispatches and the uniforms they own. */
interface CompiledPlan {
  dispatches: Dispatch[];
  uniforms: GPUBuffer[];
}

/** A submit of training steps whose losses are still on the GPU. */
interface PendingLosses {
  first: number;
  count: number;
  staging: GPUBuffer;
  ticket: SubmitTicket;
  /** The staging buffer's map, once asked for. */
  mapped: Promise<void> | null;
  /** Rejects when the GPU refused the submit (its losses would be stale). */
  ran: Promise<void>;
}

const STORAGE = BufferUsage.STORAGE | BufferUsage.COPY_DST | BufferUsage.COPY_SRC;
/** Steps recorded into one command buffer; the loss of each group is read back asynchronously. */
export const STEPS_PER_SUBMIT = 16;
/** Loss read-backs in flight before the CPU waits for the oldest (bounds how far it runs ahead). */
const READBACK_RING = 3;
const INFER_ROWS = 1024;
const NO_SCALARS: StepScalarValues = { lr: 0, stepSize: 0, bc2Sqrt: 1, decay: 1, counter: 0 };
/**
 * Step plans kept (least recently used first out): each holds a uniform buffer per dispatch and its
 * bind groups, built for one row count, so a model called with many batch sizes or row counts holds
 * at most this many plans (two per fit: full batch and tail).
 */
export const MAX_PLANS = 8;
/** Pacers kept (one per batch size and kind of submit); a few numbers each. */
const MAX_PACERS = 16;

/**
 * The GPU scheduler. It records the step plans of plan/planner.ts: weights, gradients and each
 * optimizer state live in buffers of the flat parameter layout, allocated once (a state when its
 * optimizer is first used). Activations are allocated for the largest batch seen. A plan's bind
 * groups and uniforms are built once per plan; an epoch records STEPS_PER_SUBMIT steps per submit,
 * selecting each step's batch offset, loss slot and rate through a dynamic uniform offset into the
 * step buffer written once per epoch, so nothing is written or read between steps.
 */
export class GpuEngine implements Engine {
  readonly kind = 'gpu';
  onPlan: ((plan: StepPlan) => void) | null = null;
  private readonly owned = new Map<GPUBuffer, number>();
  private readonly model: ModelShape;
  private readonly params!: GPUBuffer;
  private readonly grads!: GPUBuffer;
  private readonly states = new Map<string, GPUBuffer>();
  private readonly gradScale!: GPUBuffer;
  private readonly gradParts!: GPUBuffer;
  private acts: Activations | null = null;
  private slots = 0;
  private lossLog: GPUBuffer | null = null;
  private stepBuffer: GPUBuffer | null = null;
  private readonly ring: GPUBuffer[] = [];
  private readonly plans = new Map<string, CompiledPlan>();
  /** When submits finish, predicted per kind: training per batch size and optimizer, inference per batch. */
  private readonly pacers = new Map<string, SubmitPacer>();
  private readonly datasets = new Map<Dataset, GpuDataset>();
  private nextDatasetId = 1;

  private constructor(
    private readonly ctx: GpuContext,
    cfg: NetConfig,
    layout: ParamLayout,
    initial: Float32Array,
  ) {
    this.model = { cfg, layout };
    const bytes = layout.total * 4;
    const parts = gradNormWorkgroups(layout.total).parts;
    try {
      this.params = this.own(ctx.createStorage('params', initial, BufferUsage.COPY_SRC));
      this.grads = this.own(ctx.createBuffer('grads', bytes, STORAGE));
      this.gradParts = this.own(ctx.createBuffer('gradNorm.partial', Math.max(16, parts * 4), STORAGE));
      this.gradScale = this.own(ctx.createBuffer('gradNorm.scale', 16, STORAGE));
    } catch (error) {
      this.dispose(); // a LimitError on a later buffer leaves none of the earlier ones behind
      throw error;
    }
  }

  /**
   * Builds the engine and compiles the pipelines training most likely uses, before the first step.
   * A failure (lost device, limits, a pipeline the device refuses) frees everything it allocated.
   */
  static async create(ctx: GpuContext, cfg: NetConfig, layout: ParamLayout, initial: Float32Array): Promise<GpuEngine> {
    ctx.assertNotLost();
    const engine = new GpuEngine(ctx, cfg, layout, initial);
    try {
      await ctx.checked('compiling pipelines', () => engine.compileAll());
    } catch (error) {
      engine.dispose();
      throw error;
    }
    return engine;
  }

  /**
   * Before each call: DeviceLostError on a lost device, DisposedError once this engine's buffers
   * are gone (GpuContext.destroyAll(), or dispose()), rather than reading or writing nothing.
   */
  private assertUsable(): void {
    this.ctx.assertNotLost();
    if (!this.ctx.tracks(this.params)) {
      throw new DisposedError(
        "this model's GPU buffers were destroyed (GpuContext.destroyAll() or dispose()); create a new model, or Sequential.load(model.lastCheckpoint) to resume",
      );
    }
  }

  /**
   * Compiles the pipelines of the plans fit and evaluate run by default: training steps of fit's
   * default batch (matmul constants depend on the batch size) with sgd and momentum, and inference.
   * Other batch sizes and optimizers compile with their first plan.
   */
  private async compileAll(): Promise<void> {
    const rows = 32;
    const plans = (['sgd', 'momentum'] as const).map((name) => {
      const { module: optimizer, settings } = optimizerSettings({ optimizer: name }); // fit's defaults
      return planStep(this.model, 'train', rows, { optimizer, settings });
    });
    plans.push(planStep(this.model, 'inferLoss', rows));
    await Promise.all(plans.flatMap((p) => p.invocations.map((inv) => this.pipelineOf(inv).pipeline)));
  }

  private own(buffer: GPUBuffer): GPUBuffer {
    this.owned.set(buffer, buffer.size);
    return buffer;
  }

  private free(buffer: GPUBuffer | null | undefined): void {
    if (!buffer) return;
    this.owned.delete(buffer);
    this.ctx.destroyBuffer(buffer);
  }

  /** An optimizer state buffer, created (zeroed) when first used. */
  private state(name: string): GPUBuffer {
    let buffer = this.states.get(name);
    if (!buffer) {
      buffer = this.own(this.ctx.createBuffer(`state.${name}`, this.model.layout.total * 4, STORAGE));
      this.states.set(name, buffer);
    }
    return buffer;
  }

  // ---- buffers sized by batch and steps -------------------------------------------------------

  private ensureCapacity(rows: number): Activations {
    if (this.acts && this.acts.capacity >= rows) return this.acts;
    this.dropPlans();
    if (this.acts) for (const b of this.acts.buffers.values()) this.free(b);
    this.acts = null;
    const buffers = new Map<string, GPUBuffer>();
    try {
      for (const [name, { width }] of Object.entries(activationBuffers(this.model))) {
        buffers.set(name, this.own(this.ctx.createBuffer(name, Math.max(16, rows * width * 4), STORAGE)));
      }
    } catch (error) {
      buffers.forEach((b) => this.free(b)); // a batch beyond the limits leaves nothing half-made
      throw error;
    }
    this.acts = { capacity: rows, buffers };
    return this.acts;
  }

  private ensureSlots(steps: number): void {
    if (this.slots >= steps) return;
    this.dropPlans();
    this.free(this.lossLog);
    this.free(this.stepBuffer);
    this.lossLog = this.stepBuffer = null;
    this.slots = 0;
    const slots = Math.max(steps, 16);
    try {
      this.lossLog = this.own(this.ctx.createBuffer('lossLog', slots * 4, STORAGE));
      this.stepBuffer = this.own(this.ctx.createBuffer('steps', slots * STEP_STRIDE, BufferUsage.UNIFORM | BufferUsage.COPY_DST));
    } catch (error) {
      this.free(this.lossLog);
      this.lossLog = null;
      throw error;
    }
    this.slots = slots;
  }

  /** Step s reads batch rows from s·batchSize of the order, writes its loss to slot s, and trains with scalars[s]. */
  private writeSteps(batchSize: number, scalars: StepScalarValues[]): void {
    const bytes = new Uint8Array(scalars.length * STEP_STRIDE);
    scalars.forEach((values, s) => {
      const step: StepValues = { start: s * batchSize, slot: s, ...values };
      bytes.set(new Uint8Array(packStruct('gatherRows', STEP_BINDING, { ...step })), s * STEP_STRIDE);
    });
    this.ctx.write(this.stepBuffer!, 0, bytes);
  }

  private dropPlans(): void {
    for (const plan of this.plans.values()) plan.uniforms.forEach((u) => this.free(u));
    this.plans.clear();
  }

  /**
   * Frees the least recently used plans beyond `keep`. Called at the start of a call, before it
   * takes its own plans, so no plan a call is about to encode is freed; work already submitted
   * with a freed plan's buffers still runs (WebGPU destroys them once the queue is done with them).
   */
  private trimPlans(keep: number): void {
    for (const [key, plan] of this.plans) {
      if (this.plans.size <= keep) break;
      plan.uniforms.forEach((u) => this.free(u));
      this.plans.delete(key);
    }
  }

  private upload(data: Dataset): GpuDataset {
    let gd = this.datasets.get(data);
    if (!gd) {
      const made: GPUBuffer[] = [];
      const keep = (buffer: GPUBuffer) => (made.push(buffer), this.own(buffer));
      try {
        gd = {
          id: this.nextDatasetId++,
          x: keep(this.ctx.createStorage('dataset.x', data.x)),
          y: data.y ? keep(this.ctx.createStorage('dataset.y', data.y)) : null,
          order: keep(this.ctx.createBuffer('dataset.order', data.rows * 4, STORAGE)),
        };
      } catch (error) {
        made.forEach((b) => this.free(b)); // a dataset beyond the limits leaves nothing behind
        throw error;
      }
      this.datasets.set(data, gd);
    }
    return gd;
  }

  release(data: Dataset): void {
    const gd = this.datasets.get(data);
    if (!gd) return;
    this.datasets.delete(data);
    for (const [key, plan] of this.plans) {
      if (key.startsWith(`d${gd.id}:`)) {
        plan.uniforms.forEach((u) => this.free(u));
        this.plans.delete(key);
      }
    }
    [gd.x, gd.y, gd.order].forEach((b) => this.free(b));
  }

  // ---- plans --------------------------------------------------------------------------------

  /** The plan of a step, compiled (once per plan content and dataset). */
  private async compiled(kind: PlanKind, rows: number, gd: GpuDataset | null, rule?: TrainingRule, announce = true): Promise<CompiledPlan> {
    const plan = planStep(this.model, kind, rows, rule);
    if (announce) this.onPlan?.(plan);
    const key = `d${gd?.id ?? 0}:${kind}:${rows}:${JSON.stringify(plan.invocations)}`;
    let compiled = this.plans.get(key);
    if (compiled) {
      this.plans.delete(key); // re-inserted below: now the most recently used
    } else {
      const uniforms: GPUBuffer[] = [];
      try {
        compiled = { dispatches: await Promise.all(plan.invocations.map((inv) => this.dispatch(inv, gd, uniforms))), uniforms };
      } catch (error) {
        uniforms.forEach((u) => this.free(u));
        throw error;
      }
    }
    this.plans.set(key, compiled);
    return compiled;
  }

  /** The pipeline of an invocation (with its matmul core for the shape) and its workgroup counts. */
  private pipelineOf(inv: Invocation): { pipeline: Promise<GPUComputePipeline>; workgroups: [number, number, number] } {
    const grid = inv.grid;
    const limit = this.ctx.gridWorkgroups;
    switch (grid.kind) {
      case 'matmul': {
        const launch = matmulLaunch(this.ctx.matmul, grid.rows, grid.cols, grid.depth);
        const [x, y] = launch.workgroups;
        return { pipeline: pipeline(this.ctx, inv.kernel, { ...inv.constants, ...launch.constants }, launch.core), workgroups: [x, y, grid.splits ?? 1] };
      }
      case 'elementwise':
        return { pipeline: pipeline(this.ctx, inv.kernel, inv.constants), workgroups: elementwiseWorkgroups(grid.count, limit) };
      case 'optimizer':
        return { pipeline: pipeline(this.ctx, inv.kernel, inv.constants), workgroups: optimizerWorkgroups(grid.count, limit) };
      case 'gradNorm':
        return { pipeline: pipeline(this.ctx, inv.kernel, inv.constants), workgroups: gradNormWorkgroups(grid.count).workgroups };
      case 'perRow':
        return { pipeline: pipeline(this.ctx, inv.kernel, inv.constants), workgroups: perItemWorkgroups(grid.rows) };
      case 'workgroupPerItem':
        return { pipeline: pipeline(this.ctx, inv.kernel, inv.constants), workgroups: workgroupPerItemWorkgroups(grid.count, limit) };
      case 'single':
        return { pipeline: pipeline(this.ctx, inv.kernel, inv.constants), workgroups: SINGLE_WORKGROUP };
    }
  }

  private async dispatch(inv: Invocation, gd: GpuDataset | null, uniforms: GPUBuffer[]): Promise<Dispatch> {
    const { pipeline: pipe, workgroups } = this.pipelineOf(inv);
    const params = this.own(createUniform(this.ctx, inv.kernel, 'params', inv.params));
    uniforms.push(params);
    const resources: Record<string, Resource> = { params };
    for (const [binding, view] of Object.entries(inv.tensors)) resources[binding] = this.resource(view, gd);
    const perStep = hasStepBinding(inv.kernel);
    if (perStep) resources.step = this.stepBuffer!;
    return { pipeline: await pipe, bindGroup: createBindGroup(this.ctx, inv.kernel, resources), workgroups, perStep };
  }

  /** The GPU buffer (range) behind a plan's view. */
  private resource(view: View, gd: GpuDataset | null): Resource {
    const buffer = this.buffer(view.buffer, gd);
    if (view.offset === undefined && view.length === undefined) return buffer;
    return { buffer, offset: (view.offset ?? 0) * 4, size: view.length === undefined ? undefined : view.length * 4 };
  }

  private buffer(name: string, gd: GpuDataset | null): GPUBuffer {
    if (name.startsWith('state.')) return this.state(name.slice(6));
    const fixed: Record<string, GPUBuffer | null | undefined> = {
      params: this.params,
      grads: this.grads,
      'gradNorm.scale': this.gradScale,
      'gradNorm.partial': this.gradParts,
      lossLog: this.lossLog,
      'dataset.x': gd?.x,
      'dataset.y': gd?.y,
      'dataset.order': gd?.order,
    };
    const buffer = fixed[name] ?? this.acts?.buffers.get(name);
    if (!buffer) throw new Error(`step plan names a buffer the GPU engine does not have: ${name}`);
    return buffer;
  }

  // ---- the Engine interface -------------------------------------------------------------------

  async trainEpoch(
    data: Dataset,
    order: Uint32Array,
    batchSize: number,
    rule: TrainingRule,
    scalars: StepScalarValues[],
    onLosses: (first: number, losses: Float32Array) => void,
  ): Promise<Float32Array> {
    const { gd, steps, full, tail } = await this.plansFor('train', data, batchSize, rule);
    this.writeSteps(batchSize, scalars);
    this.ctx.write(gd.order, 0, order);
    this.ensureRing();

    const losses = new Float32Array(steps);
    const pacer = this.pacer(`train:${batchSize}:${rule.optimizer.name}`);
    const pending: PendingLosses[] = [];
    const collect = async (): Promise<void> => {
      const p = pending.shift()!;
      try {
        await p.ran;
        if (!p.mapped) {
          await pacer.beforeWait(p.ticket);
          p.mapped = this.ctx.mapRead(p.staging, 0, p.count * 4);
        }
        await p.mapped;
      } catch (error) {
        p.staging.unmap(); // aborts a map still asked for
        throw error;
      }
      pacer.finished(p.ticket);
      const values = new Float32Array(p.staging.getMappedRange(0, p.count * 4).slice(0));
      p.staging.unmap();
      losses.set(values, p.first);
      onLosses(p.first, values);
    };
    try {
      for (let first = 0, chunk = 0; first < steps; first += STEPS_PER_SUBMIT, chunk++) {
        if (pending.length >= READBACK_RING) await collect();
        this.ctx.assertHealthy();
        const end = Math.min(steps, first + STEPS_PER_SUBMIT);
        const encoder = this.ctx.device.createCommandEncoder({ label: `steps ${first}..${end - 1}` });
        const pass = encoder.beginComputePass();
        for (let s = first; s < end; s++) encode(pass, (s === steps - 1 ? tail : full).dispatches, s);
        pass.end();
        const staging = this.ring[chunk % READBACK_RING];
        const count = end - first;
        encoder.copyBufferToBuffer(this.lossLog!, first * 4, staging, 0, count * 4);
        // Error scopes around the whole group: a refused submit rejects instead of reporting the
        // staging buffer's old losses.
        const ran = this.ctx.submit(`training steps ${first + 1}..${end}`, encoder);
        ran.catch(() => {}); // rejections surface when collect() awaits it
        // Unpaced, the map is asked for at once; paced, collect() sleeps first.
        const mapped = this.ctx.pacedWaits ? null : this.ctx.mapRead(staging, 0, count * 4);
        mapped?.catch(() => {}); // rejections surface when collect() awaits it
        pending.push({ first, count, staging, ticket: pacer.submitted(count), mapped, ran });
      }
      while (pending.length) await collect();
    } catch (error) {
      // A failed wait or a throwing onLosses (the caller's progress callback) ends the epoch: abort
      // the maps still asked for, or the next epoch's submits would find their buffers mid-map.
      for (const p of pending) p.staging.unmap();
      throw error;
    }
    this.ctx.assertHealthy();
    return losses;
  }

  /** The pacer of one kind of submit (kept across plan rebuilds: the step times stay the same). */
  private pacer(key: string): SubmitPacer {
    let pacer = this.pacers.get(key);
    if (!pacer) {
      pacer = new SubmitPacer(this.ctx.pacedWaits);
      if (this.pacers.size >= MAX_PACERS) this.pacers.delete(this.pacers.keys().next().value!);
      this.pacers.set(key, pacer);
    }
    return pacer;
  }

  private ensureRing(): void {
    if (this.ring.length) return;
    for (let i = 0; i < READBACK_RING; i++) {
      this.ring.push(this.own(this.ctx.createBuffer('lossReadback', STEPS_PER_SUBMIT * 4, BufferUsage.MAP_READ | BufferUsage.COPY_DST)));
    }
  }

  async prepareFit(data: Dataset, batchSize: number, rule: TrainingRule): Promise<void> {
    await this.plansFor('train', data, batchSize, rule, false);
  }

  /**
   * What a pass over a dataset in batches needs before recording: the upload, buffers for the batch
   * and the step slots, and the compiled plans of a full batch and of the last (tail) batch.
   */
  private async plansFor(kind: PlanKind, data: Dataset, batch: number, rule?: TrainingRule, announce = true) {
    this.assertUsable();
    this.trimPlans(MAX_PLANS - 2);
    const gd = this.upload(data);
    const steps = Math.ceil(data.rows / batch);
    this.ensureCapacity(batch);
    this.ensureSlots(steps);
    const full = await this.compiled(kind, batch, gd, rule, announce);
    const tailRows = data.rows - (steps - 1) * batch;
    const tail = tailRows === batch ? full : await this.compiled(kind, tailRows, gd, rule, announce);
    return { gd, steps, tailRows, full, tail };
  }

  async infer(data: Dataset): Promise<{ outputs: Float32Array; loss: number | null }> {
    const batch = Math.min(data.rows, Math.max(INFER_ROWS, this.acts?.capacity ?? 0));
    const withLoss = data.y !== null;
    const { gd, steps, tailRows, full, tail } = await this.plansFor(withLoss ? 'inferLoss' : 'infer', data, batch);
    this.writeSteps(batch, new Array(steps).fill(NO_SCALARS));
    const identity = new Uint32Array(data.rows).map((_, i) => i);
    this.ctx.write(gd.order, 0, identity);
    const cols = outputSize(this.model.cfg);
    const outputs = this.ctx.createBuffer('outputs', data.rows * cols * 4, STORAGE);
    try {
      const encoder = this.ctx.device.createCommandEncoder({ label: 'infer' });
      const last = this.acts!.buffers.get(`z${this.model.cfg.layers.length - 1}`)!;
      for (let s = 0; s < steps; s++) {
        const rows = s === steps - 1 ? tailRows : batch;
        const pass = encoder.beginComputePass();
        encode(pass, (s === steps - 1 ? tail : full).dispatches, s);
        pass.end();
        encoder.copyBufferToBuffer(last, 0, outputs, s * batch * cols * 4, rows * cols * 4);
      }
      const ran = this.ctx.submit('inference', encoder);
      ran.catch(() => {}); // awaited below, after the pacer's sleep
      const [, values, losses] = await this.pacer(`infer:${batch}`).await(steps, () =>
        Promise.all([
          ran,
          this.ctx.read(outputs, 0, data.rows * cols * 4),
          withLoss ? this.ctx.read(this.lossLog!, 0, steps * 4) : Promise.resolve(null),
        ]),
      );
      this.ctx.assertHealthy();
      let loss: number | null = null;
      if (losses) {
        loss = 0;
        for (let s = 0; s < steps; s++) loss += (losses[s] * (s === steps - 1 ? tailRows : batch)) / data.rows;
      }
      return { outputs: values, loss };
    } finally {
      this.ctx.destroyBuffer(outputs);
    }
  }

  async gradients(x: Float32Array, rows: number, target: { y: Float32Array } | { outputGrad: Float32Array }): Promise<GradientResult> {
    this.assertUsable();
    this.trimPlans(MAX_PLANS - 1);
    const a = this.ensureCapacity(rows);
    this.ensureSlots(1);
    this.writeSteps(rows, [NO_SCALARS]);
    this.ctx.write(a.buffers.get('batch.x')!, 0, x);
    const fromTargets = 'y' in target;
    this.ctx.write(a.buffers.get('batch.y')!, 0, fromTargets ? target.y : target.outputGrad);
    const plan = await this.compiled(fromTargets ? 'gradTargets' : 'gradGiven', rows, null);
    const encoder = this.ctx.device.createCommandEncoder({ label: 'gradients' });
    const pass = encoder.beginComputePass();
    encode(pass, plan.dispatches, 0);
    pass.end();
    const ran = this.ctx.submit('gradients', encoder);
    const last = this.model.cfg.layers.length - 1;
    const { cfg, layout } = this.model;
    const [, grads, inputGrad, output, loss] = await Promise.all([
      ran,
      this.ctx.read(this.grads, 0, layout.total * 4),
      this.ctx.read(a.buffers.get('batch.deltaX')!, 0, rows * cfg.inputSize * 4),
      this.ctx.read(a.buffers.get(`z${last}`)!, 0, rows * outputSize(cfg) * 4),
      fromTargets ? this.ctx.read(this.lossLog!, 0, 4) : Promise.resolve(null),
    ]);
    this.ctx.assertHealthy();
    return { loss: loss ? loss[0] : null, grads, inputGrad, output };
  }

  async readParams(): Promise<Float32Array> {
    this.assertUsable();
    return this.ctx.read(this.params, 0, this.model.layout.total * 4);
  }

  /** Throws (synchronously) DeviceLostError or DisposedError instead of writing into nothing. */
  writeParams(params: Float32Array): void {
    this.assertUsable();
    this.ctx.write(this.params, 0, params);
  }

  async readState(name: string): Promise<Float32Array> {
    this.assertUsable();
    return this.ctx.read(this.state(name), 0, this.model.layout.total * 4);
  }

  writeState(name: string, values: Float32Array): void {
    this.assertUsable();
    this.ctx.write(this.state(name), 0, values);
  }

  /** The live buffers this engine holds (none once the context's destroyAll() freed them). */
  stats(): { buffers: number; bytes: number } {
    let buffers = 0;
    let bytes = 0;
    for (const [buffer, size] of this.owned) {
      if (!this.ctx.tracks(buffer)) continue;
      buffers++;
      bytes += size;
    }
    return { buffers, bytes };
  }

  dispose(): void {
    this.plans.clear();
    this.datasets.clear();
    this.states.clear();
    for (const buffer of [...this.owned.keys()]) this.free(buffer);
    this.acts = null;
  }
}

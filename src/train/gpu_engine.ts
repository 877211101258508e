import { DisposedError } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { BufferUsage } from '../gpu/flags.js';
import { createBindGroup, createUniform, encode, hasStepBinding, packStruct, pipeline, STEP_BINDING, STEP_STRIDE, type Constants, type Dispatch, type Resource } from '../kernels/kernel.js';
import type { KernelName, MatmulCore } from '../kernels/sources.js';
import { elementwiseWorkgroups, matmulLaunch, optimizerWorkgroups, perItemWorkgroups, SINGLE_WORKGROUP, type MatmulLaunch } from '../kernels/workgroups.js';
import { denseActivation, outputSize, type NetConfig } from '../model/config.js';
import type { ParamLayout, TensorSlot } from '../model/layout.js';
import { ACTIVATION_ID } from '../types.js';
import type { Dataset, Engine, GradientResult, StepOptimizer } from './engine.js';
import { SubmitPacer, type SubmitTicket } from './pacer.js';

/** Per-batch GPU buffers, sized for `capacity` rows; shared by every plan of the model. */
interface Activations {
  capacity: number;
  xb: GPUBuffer;
  yb: GPUBuffer;
  u: GPUBuffer[];
  z: GPUBuffer[];
  delta: GPUBuffer[];
  dx: GPUBuffer;
}

interface GpuDataset {
  id: number;
  x: GPUBuffer;
  y: GPUBuffer | null;
  order: GPUBuffer;
}

/** Everything one step does, recorded once per (kind, rows, dataset): dispatches and their uniforms. */
interface Plan {
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
/**
 * Step plans kept (least recently used first out): each holds a uniform buffer per dispatch and its
 * bind groups, built for one row count, so a model called with many batch sizes or row counts holds
 * at most this many plans (two per fit: full batch and tail).
 */
export const MAX_PLANS = 8;
/** Pacers kept (one per batch size and kind of submit); a few numbers each. */
const MAX_PACERS = 16;

/**
 * The GPU scheduler. Weights, gradients and momentum live in three buffers of the flat parameter
 * layout, allocated once. Activations are allocated for the largest batch seen. A training step is
 * a fixed list of dispatches (gather batch → dense forward per layer → loss and δ → weight, bias
 * and δ gradients per layer → one optimizer dispatch) whose bind groups are built once per batch
 * shape; an epoch records STEPS_PER_SUBMIT steps per submit, selecting each step's batch offset
 * and loss slot through a dynamic uniform offset, so nothing is written or read between steps.
 */
export class GpuEngine implements Engine {
  readonly kind = 'gpu';
  private readonly owned = new Map<GPUBuffer, number>();
  private readonly params: GPUBuffer;
  private readonly grads: GPUBuffer;
  private readonly velocity: GPUBuffer;
  private readonly sgdParams: GPUBuffer;
  private readonly momentumParams: GPUBuffer;
  private acts: Activations | null = null;
  private slots = 0;
  private lossLog: GPUBuffer | null = null;
  private stepBuffer: GPUBuffer | null = null;
  private readonly ring: GPUBuffer[] = [];
  private readonly plans = new Map<string, Plan>();
  /** When submits finish, predicted per kind: training per batch size and optimizer, inference per batch. */
  private readonly pacers = new Map<string, SubmitPacer>();
  private readonly datasets = new Map<Dataset, GpuDataset>();
  private nextDatasetId = 1;

  private constructor(
    private readonly ctx: GpuContext,
    private readonly cfg: NetConfig,
    private readonly layout: ParamLayout,
    initial: Float32Array,
  ) {
    const bytes = layout.total * 4;
    try {
      this.params = this.own(ctx.createStorage('params', initial, BufferUsage.COPY_SRC));
      this.grads = this.own(ctx.createBuffer('grads', bytes, STORAGE));
      this.velocity = this.own(ctx.createBuffer('velocity', bytes, STORAGE));
      this.sgdParams = this.own(createUniform(ctx, 'sgdUpdate', 'params', { count: layout.total, lr: 0 }));
      this.momentumParams = this.own(createUniform(ctx, 'momentumUpdate', 'params', { count: layout.total, lr: 0, beta: 0 }));
    } catch (error) {
      this.dispose(); // a LimitError on a later buffer leaves none of the earlier ones behind
      throw error;
    }
  }

  /**
   * Builds the engine and compiles every pipeline it will use, before the first step. A failure
   * (lost device, limits, a pipeline the device refuses) frees everything it allocated.
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

  /** Compiles what training uses; gradients()/backward() compile their extra pipelines on first use. */
  private async compileAll(): Promise<void> {
    const layers = this.cfg.layers;
    // Their matmul constants depend on the batch size too: compiled for the batch size most
    // likely (fit's default, 32); other sizes compile with their first plan.
    const rows = 32;
    const work: Promise<unknown>[] = layers.map((layer, t) => {
      const { nIn, nOut } = this.layout.layers[t];
      const mm = this.mm(rows, nOut, nIn);
      return this.pipe('denseForward', { ...this.activationConstants(layer), ...mm.constants }, true, mm.core);
    });
    for (let t = 1; t < layers.length; t++) {
      const { nIn, nOut } = this.layout.layers[t];
      const mm = this.mm(rows, nIn, nOut);
      work.push(this.pipe('denseBackwardInput', { ...this.activationConstants(layers[t - 1]), ...mm.constants }, false, mm.core));
    }
    for (const { nIn, nOut } of this.layout.layers) {
      const mm = this.mm(nOut, nIn, rows);
      work.push(this.pipe('denseBackwardWeights', { TRANS_A: true, ROW_SUMS: true, ...mm.constants }, false, mm.core));
    }
    work.push(this.pipe('gatherRows'));
    if (this.cfg.inputSize % 4 === 0) work.push(this.pipe('gatherRowsVec4'));
    work.push(this.pipe('sgdUpdate'), this.pipe('momentumUpdate'));
    const out = layers[layers.length - 1];
    if (this.cfg.loss === 'crossEntropy') work.push(this.pipe('softmaxCrossEntropy'), this.pipe('softmaxForward'));
    else if (this.cfg.loss === 'binaryCrossEntropy') work.push(this.pipe('sigmoidBce'));
    else work.push(this.pipe('mseLoss', this.activationConstants(out)));
    await Promise.all(work);
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

  private activationConstants(layer: { activation: string; slope: number }): Constants {
    const act = denseActivation(layer.activation as never);
    return { ACTIVATION: ACTIVATION_ID[act], SLOPE: act === 'leakyRelu' ? layer.slope : 0 };
  }

  /** The matmul core's constants and grid for an output of rows × cols and depth K. */
  private mm(rows: number, cols: number, K: number): MatmulLaunch {
    return matmulLaunch(this.ctx.matmul, rows, cols, K);
  }

  private pipe(name: KernelName, constants: Constants = {}, transB = false, core: MatmulCore = this.ctx.matmulCore): Promise<GPUComputePipeline> {
    return pipeline(this.ctx, name, transB ? { ...constants, TRANS_B: true } : constants, core);
  }

  // ---- buffers sized by batch and steps -------------------------------------------------------

  private ensureCapacity(rows: number): Activations {
    if (this.acts && this.acts.capacity >= rows) return this.acts;
    this.dropPlans();
    if (this.acts) {
      const a = this.acts;
      [a.xb, a.yb, a.dx, ...a.u, ...a.z, ...a.delta].forEach((b) => this.free(b));
      this.acts = null;
    }
    const made: GPUBuffer[] = [];
    const make = (label: string, cols: number) => {
      const buffer = this.own(this.ctx.createBuffer(label, rows * cols * 4, STORAGE));
      made.push(buffer);
      return buffer;
    };
    const nIn = this.cfg.inputSize;
    try {
      this.acts = {
        capacity: rows,
        xb: make('batch.x', nIn),
        yb: make('batch.y', outputSize(this.cfg)),
        dx: make('batch.dx', nIn),
        u: this.cfg.layers.map((l, t) => make(`u${t}`, l.units)),
        z: this.cfg.layers.map((l, t) => make(`z${t}`, l.units)),
        delta: this.cfg.layers.map((l, t) => make(`delta${t}`, l.units)),
      };
    } catch (error) {
      made.forEach((b) => this.free(b)); // a batch beyond the limits leaves nothing half-made
      throw error;
    }
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

  /** Step s reads batch rows from s·batchSize of the order, and writes its loss to slot s. */
  private writeSteps(steps: number, batchSize: number): void {
    const bytes = new Uint8Array(steps * STEP_STRIDE);
    for (let s = 0; s < steps; s++) {
      bytes.set(new Uint8Array(packStruct('gatherRows', STEP_BINDING, { start: s * batchSize, slot: s })), s * STEP_STRIDE);
    }
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
      if (key.includes(`:d${gd.id}:`)) {
        plan.uniforms.forEach((u) => this.free(u));
        this.plans.delete(key);
      }
    }
    [gd.x, gd.y, gd.order].forEach((b) => this.free(b));
  }

  // ---- plans --------------------------------------------------------------------------------

  /** The plan under `key` (now the most recently used), built on first use. */
  private async plan(key: string, build: (uniforms: GPUBuffer[]) => Promise<Dispatch[]>): Promise<Plan> {
    let plan = this.plans.get(key);
    if (plan) {
      this.plans.delete(key);
    } else {
      const uniforms: GPUBuffer[] = [];
      try {
        plan = { dispatches: await build(uniforms), uniforms };
      } catch (error) {
        uniforms.forEach((u) => this.free(u));
        throw error;
      }
    }
    this.plans.set(key, plan);
    return plan;
  }

  private async dispatch(
    uniforms: GPUBuffer[],
    name: KernelName,
    constants: Constants,
    params: Record<string, number> | GPUBuffer,
    resources: Record<string, Resource>,
    grid: [number, number, number] | MatmulLaunch,
  ): Promise<Dispatch> {
    const launch = Array.isArray(grid) ? null : grid;
    const workgroups = launch ? launch.workgroups : (grid as [number, number, number]);
    let paramsBuffer: GPUBuffer;
    if ('size' in params && 'usage' in params) {
      paramsBuffer = params as GPUBuffer;
    } else {
      paramsBuffer = this.own(createUniform(this.ctx, name, 'params', params as Record<string, number>));
      uniforms.push(paramsBuffer);
    }
    const perStep = hasStepBinding(name);
    const all = perStep ? { ...resources, params: paramsBuffer, step: this.stepBuffer! } : { ...resources, params: paramsBuffer };
    const pipe = launch ? this.pipe(name, { ...constants, ...launch.constants }, false, launch.core) : this.pipe(name, constants);
    return { pipeline: await pipe, bindGroup: createBindGroup(this.ctx, name, all), workgroups, perStep };
  }

  private slot(buffer: GPUBuffer, slot: TensorSlot): Resource {
    return { buffer, offset: slot.offset * 4, size: slot.length * 4 };
  }

  private gather(u: GPUBuffer[], rows: number, cols: number, src: GPUBuffer, order: GPUBuffer, out: GPUBuffer): Promise<Dispatch> {
    // Rows of a multiple of 4 floats (MNIST's 784) move as vec4s.
    const kernel = cols % 4 === 0 ? 'gatherRowsVec4' : 'gatherRows';
    const count = kernel === 'gatherRowsVec4' ? (rows * cols) / 4 : rows * cols;
    return this.dispatch(u, kernel, {}, { rows, cols }, { indices: order, src, out }, elementwiseWorkgroups(count, this.ctx.gridWorkgroups));
  }

  private forward(u: GPUBuffer[], rows: number, withSoftmax: boolean): Promise<Dispatch>[] {
    const a = this.acts!;
    const list = this.cfg.layers.map((layer, t) => {
      const { nIn, nOut, weight, bias } = this.layout.layers[t];
      const mm = this.mm(rows, nOut, nIn);
      return this.dispatch(
        u,
        'denseForward',
        { ...this.activationConstants(layer), TRANS_B: true },
        { batch: rows, nIn, nOut },
        { x: t === 0 ? a.xb : a.z[t - 1], w: this.slot(this.params, weight), bias: this.slot(this.params, bias), u: a.u[t], z: a.z[t] },
        mm,
      );
    });
    const softmax = withSoftmax ? this.softmaxOutput(u, rows) : null;
    if (softmax) list.push(softmax);
    return list;
  }

  /** For a softmax output layer: probabilities P = softmax(U) into its Z buffer; else null. */
  private softmaxOutput(u: GPUBuffer[], rows: number): Promise<Dispatch> | null {
    const last = this.cfg.layers.length - 1;
    if (this.cfg.layers[last].activation !== 'softmax') return null;
    const a = this.acts!;
    return this.dispatch(u, 'softmaxForward', {}, { rows, cols: outputSize(this.cfg) }, { u: a.u[last], p: a.z[last] }, perItemWorkgroups(rows));
  }

  /** The output layer's δ and the batch loss (into the step's loss slot), from targets in yb. */
  private loss(u: GPUBuffer[], rows: number): Promise<Dispatch> {
    const a = this.acts!;
    const last = this.cfg.layers.length - 1;
    const cols = outputSize(this.cfg);
    const common = { u: a.u[last], y: a.yb, du: a.delta[last], loss: this.lossLog! };
    if (this.cfg.loss === 'crossEntropy') return this.dispatch(u, 'softmaxCrossEntropy', {}, { rows, cols }, common, SINGLE_WORKGROUP);
    if (this.cfg.loss === 'binaryCrossEntropy') return this.dispatch(u, 'sigmoidBce', {}, { rows, cols }, common, SINGLE_WORKGROUP);
    const constants = this.activationConstants(this.cfg.layers[last]);
    return this.dispatch(u, 'mseLoss', constants, { rows, cols }, { ...common, z: a.z[last] }, SINGLE_WORKGROUP);
  }

  private backward(u: GPUBuffer[], rows: number, inputGrad: boolean): Promise<Dispatch>[] {
    const a = this.acts!;
    const list: Promise<Dispatch>[] = [];
    for (let t = this.cfg.layers.length - 1; t >= 0; t--) {
      const { nIn, nOut, weight, bias } = this.layout.layers[t];
      const input = t === 0 ? a.xb : a.z[t - 1];
      list.push(
        this.dispatch(
          u,
          'denseBackwardWeights',
          { TRANS_A: true, ROW_SUMS: true },
          { batch: rows, nIn, nOut },
          { dy: a.delta[t], x: input, dw: this.slot(this.grads, weight), db: this.slot(this.grads, bias) },
          this.mm(nOut, nIn, rows),
        ),
      );
      if (t === 0 && !inputGrad) break;
      const prev = t === 0 ? { activation: 'linear', slope: 0 } : this.cfg.layers[t - 1];
      const dX = this.mm(rows, nIn, nOut);
      list.push(
        this.dispatch(
          u,
          'denseBackwardInput',
          this.activationConstants(prev),
          { batch: rows, nIn, nOut },
          { dy: a.delta[t], w: this.slot(this.params, weight), uPrev: t === 0 ? a.xb : a.u[t - 1], dx: t === 0 ? a.dx : a.delta[t - 1] },
          dX,
        ),
      );
    }
    return list;
  }

  private update(u: GPUBuffer[], kind: StepOptimizer['kind']): Promise<Dispatch> {
    const count = this.layout.total;
    if (kind === 'sgd') return this.dispatch(u, 'sgdUpdate', {}, this.sgdParams, { w: this.params, g: this.grads }, optimizerWorkgroups(count, this.ctx.gridWorkgroups));
    return this.dispatch(u, 'momentumUpdate', {}, this.momentumParams, { w: this.params, m: this.velocity, g: this.grads }, optimizerWorkgroups(count, this.ctx.gridWorkgroups));
  }

  // ---- the Engine interface -------------------------------------------------------------------

  async trainEpoch(data: Dataset, order: Uint32Array, batchSize: number, opt: StepOptimizer, onLosses: (first: number, losses: Float32Array) => void): Promise<Float32Array> {
    this.assertUsable();
    this.trimPlans(MAX_PLANS - 2);
    const gd = this.upload(data);
    const steps = Math.ceil(data.rows / batchSize);
    this.ensureCapacity(batchSize);
    this.ensureSlots(steps);
    this.writeSteps(steps, batchSize);
    this.ctx.write(gd.order, 0, order);
    if (opt.kind === 'sgd') {
      this.ctx.write(this.sgdParams, 0, packStruct('sgdUpdate', 'params', { count: this.layout.total, lr: opt.learningRate }));
    } else {
      this.ctx.write(this.momentumParams, 0, packStruct('momentumUpdate', 'params', { count: this.layout.total, lr: opt.learningRate, beta: opt.momentum }));
    }
    const planFor = (rows: number) =>
      this.plan(`train:${rows}:d${gd.id}:${opt.kind}`, async (u) => {
        const a = this.acts!;
        return Promise.all([
          this.gather(u, rows, this.cfg.inputSize, gd.x, gd.order, a.xb),
          this.gather(u, rows, outputSize(this.cfg), gd.y!, gd.order, a.yb),
          ...this.forward(u, rows, false),
          this.loss(u, rows),
          ...this.backward(u, rows, false),
          this.update(u, opt.kind),
        ]);
      });
    const full = await planFor(batchSize);
    const tailRows = data.rows - (steps - 1) * batchSize;
    const tail = tailRows === batchSize ? full : await planFor(tailRows);
    this.ensureRing();

    const losses = new Float32Array(steps);
    const pacer = this.pacer(`train:${batchSize}:${opt.kind}`);
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

  async infer(data: Dataset): Promise<{ outputs: Float32Array; loss: number | null }> {
    this.assertUsable();
    this.trimPlans(MAX_PLANS - 2);
    const gd = this.upload(data);
    const batch = Math.min(data.rows, Math.max(INFER_ROWS, this.acts?.capacity ?? 0));
    const steps = Math.ceil(data.rows / batch);
    this.ensureCapacity(batch);
    this.ensureSlots(steps);
    this.writeSteps(steps, batch);
    const identity = new Uint32Array(data.rows).map((_, i) => i);
    this.ctx.write(gd.order, 0, identity);
    const withLoss = gd.y !== null;
    const planFor = (rows: number) =>
      this.plan(`infer:${rows}:d${gd.id}:${withLoss}`, async (u) => {
        const a = this.acts!;
        const list = [this.gather(u, rows, this.cfg.inputSize, gd.x, gd.order, a.xb), ...this.forward(u, rows, true)];
        if (withLoss) list.push(this.gather(u, rows, outputSize(this.cfg), gd.y!, gd.order, a.yb), this.loss(u, rows));
        return Promise.all(list);
      });
    const full = await planFor(batch);
    const tailRows = data.rows - (steps - 1) * batch;
    const tail = tailRows === batch ? full : await planFor(tailRows);
    const cols = outputSize(this.cfg);
    const outputs = this.ctx.createBuffer('outputs', data.rows * cols * 4, STORAGE);
    try {
      const encoder = this.ctx.device.createCommandEncoder({ label: 'infer' });
      const last = this.acts!.z[this.cfg.layers.length - 1];
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
    this.writeSteps(1, rows);
    this.ctx.write(a.xb, 0, x);
    const fromTargets = 'y' in target;
    this.ctx.write(a.yb, 0, fromTargets ? target.y : target.outputGrad);
    const plan = await this.plan(`grad:${rows}:${fromTargets}`, async (u) => {
      const last = this.cfg.layers.length - 1;
      const outLayer = this.cfg.layers[last];
      const count = rows * outputSize(this.cfg);
      const delta = fromTargets
        ? this.loss(u, rows)
        : this.dispatch(u, 'activationBackward', this.activationConstants(outLayer), { count }, { dz: a.yb, u: a.u[last], du: a.delta[last] }, elementwiseWorkgroups(count, this.ctx.gridWorkgroups));
      const softmax = this.softmaxOutput(u, rows);
      return Promise.all([...this.forward(u, rows, false), delta, ...this.backward(u, rows, true), ...(softmax ? [softmax] : [])]);
    });
    const encoder = this.ctx.device.createCommandEncoder({ label: 'gradients' });
    const pass = encoder.beginComputePass();
    encode(pass, plan.dispatches, 0);
    pass.end();
    const ran = this.ctx.submit('gradients', encoder);
    const last = this.cfg.layers.length - 1;
    const [, grads, inputGrad, output, loss] = await Promise.all([
      ran,
      this.ctx.read(this.grads, 0, this.layout.total * 4),
      this.ctx.read(a.dx, 0, rows * this.cfg.inputSize * 4),
      this.ctx.read(a.z[last], 0, rows * outputSize(this.cfg) * 4),
      fromTargets ? this.ctx.read(this.lossLog!, 0, 4) : Promise.resolve(null),
    ]);
    this.ctx.assertHealthy();
    return { loss: loss ? loss[0] : null, grads, inputGrad, output };
  }

  async readParams(): Promise<Float32Array> {
    this.assertUsable();
    return this.ctx.read(this.params, 0, this.layout.total * 4);
  }

  /** Throws (synchronously) DeviceLostError or DisposedError instead of writing into nothing. */
  writeParams(params: Float32Array): void {
    this.assertUsable();
    this.ctx.write(this.params, 0, params);
  }

  async readVelocity(): Promise<Float32Array> {
    this.assertUsable();
    return this.ctx.read(this.velocity, 0, this.layout.total * 4);
  }

  writeVelocity(velocity: Float32Array): void {
    this.assertUsable();
    this.ctx.write(this.velocity, 0, velocity);
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
    for (const buffer of [...this.owned.keys()]) this.free(buffer);
    this.acts = null;
  }
}

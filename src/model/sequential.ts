import { ConfigError, DataError, DisposedError, LimitError, ShapeError, TrainingDivergedError } from '../errors.js';
import { GpuContext } from '../gpu/context.js';
import { createContext } from '../tuning/create_context.js';
import { encodeCheckpoint, readCheckpoint, type TrainingState } from '../io/checkpoint.js';
import { CpuEngine } from '../train/cpu_engine.js';
import { toMatrix, toTargets, type Matrix, type Targets } from '../train/data.js';
import type { Dataset, Engine, GradientResult } from '../train/engine.js';
import { GpuEngine } from '../train/gpu_engine.js';
import type { LossName } from '../types.js';
import { activationOf, layerShapes, netConfig, outputLayer, outputSize, type LayerSpec, type NetConfig } from './config.js';
import { initialParams } from './init.js';
import { MAX_PARAMS, paramLayout, type ParamLayout } from './layout.js';
import { checkedOptions, kindOf } from '../options.js';
import { OPTIMIZER_STATES, stepGroup } from '../optimizers/index.js';
import { optimizerSettings, type OptimizerOptions } from '../optimizers/settings.js';
import { checkedSchedule, scheduledRate, type Schedule, type ScheduleType } from '../train/schedules.js';
import { Rng } from './rng.js';

export interface ModelOptions {
  /** Values per sample, for flat inputs (or give inputShape). */
  inputSize?: number;
  /** [channels, height, width] for images: a row of x is one sample's C·H·W values, channel-major (NCHW). */
  inputShape?: [number, number, number];
  layers: readonly LayerSpec[];
  /** Default: 'crossEntropy' for a softmax output layer, else 'mse'. */
  loss?: NetConfig['loss'];
  /**
   * Default 'auto': per layer, He (N(0, 2/n_in)) for relu/leakyRelu, Xavier (N(0, 2/(n_in + n_out)))
   * for tanh, sigmoid, linear and softmax. 'normal' is the notes' N(0, 1); 'he' / 'xavier' for all layers.
   */
  init?: NetConfig['init'];
  seed?: number;
  /** A GpuContext (see createContext), 'gpu' for navigator.gpu, or 'cpu' for the reference backend. */
  backend?: GpuContext | 'gpu' | 'cpu';
}

export interface Progress {
  epoch: number;
  epochs: number;
  /** Steps finished in this epoch, and how many it has. */
  step: number;
  steps: number;
  /** Mean batch loss over the steps finished in this epoch. */
  loss: number;
  samplesPerSecond: number;
  /** True once per epoch, when its last step is done. */
  epochDone: boolean;
}

/** fit's options; the optimizer's (optimizer, learningRate, momentum, betas, ...) are OptimizerOptions. */
export interface FitOptions extends OptimizerOptions {
  epochs?: number;
  /** Samples per step (default min(32, rows)); 'full' (or the dataset size) is full-batch gradient descent. */
  batchSize?: number | 'full';
  /** Reshuffle the samples every epoch with the model's seeded RNG (default true). */
  shuffle?: boolean;
  /** Learning-rate schedule, per step: 'constant' (default), 'step', 'exponential', 'cosine', or an object with its settings and `warmupSteps`. */
  schedule?: ScheduleType | Schedule;
  /** Called as loss values arrive (every 16 steps and at each epoch's end); never stalls the GPU. */
  onProgress?: (p: Progress) => void;
  /**
   * Keep a checkpoint on the CPU (`model.lastCheckpoint`) every this many epochs (default 1; 0 = never):
   * what survives a lost GPU device. Costs one asynchronous read-back of the weights per checkpoint.
   */
  checkpointEvery?: number;
}

export interface History {
  /** Mean training loss of each epoch. */
  loss: number[];
}

export interface ModelSummary {
  /** outputShape: [null, units] for flat outputs, [null, channels, height, width] for images (null: the batch). */
  layers: { index: number; type: string; activation: string; outputShape: [null, ...number[]]; params: number }[];
  totalParams: number;
  /** The same as a fixed-width table, one line per layer. */
  text: string;
}

export interface Evaluation {
  /** Mean loss over the dataset, as in training. */
  loss: number;
  /** Present for class labels, one-hot or 0/1 targets and softmax outputs; absent for regression. */
  accuracy?: number;
}

/** Layer types without parameters: their getWeights()/gradients() entries are null. */
type ParameterFree = 'maxPool2d' | 'avgPool2d' | 'flatten' | 'dropout';
/** A layer's getWeights() entry type from its spec: LayerTensors, null, or either when the spec type is not known. */
type WeightsEntry<S> = [Extract<S, { type: ParameterFree }>] extends [never] ? LayerTensors : [Exclude<S, { type: ParameterFree }>] extends [never] ? null : LayerTensors | null;
/** getWeights()'s list for these layer specs (dense nets: LayerTensors only). */
export type WeightsOf<L extends readonly LayerSpec[]> = { -readonly [K in keyof L]: WeightsEntry<L[K]> };

/** What setWeights takes per layer: any numeric array of the right length. */
export interface LayerValues {
  weight: Float32Array | Float64Array | readonly number[];
  bias: Float32Array | Float64Array | readonly number[];
}

/** One layer's parameters, row-major in PyTorch's shapes; `null` in the lists for a layer without any (pooling, flatten, dropout). */
export interface LayerTensors {
  /** dense: W [units, inputs]; conv2d: [filters, channels, kh, kw]; layerNorm: γ of the input's shape. */
  weight: Float32Array;
  bias: Float32Array;
}

export interface Gradients<W extends readonly (LayerTensors | null)[] = (LayerTensors | null)[]> {
  loss: number | null;
  /** One entry per layer, null for layers without parameters. */
  layers: W;
  /** ∂ℓ/∂X [rows, inputSize]. */
  input: Float32Array;
  /** The network's output for the batch [rows, outputs]. */
  output: Float32Array;
}

/**
 * A multilayer perceptron trained by backpropagation, on the GPU (WebGPU) or on the CPU reference
 * backend, with the same API and, from the same seed, the same numbers up to float32 rounding.
 */
export class Sequential<W extends readonly (LayerTensors | null)[] = (LayerTensors | null)[]> {
  readonly config: NetConfig;
  readonly layout: ParamLayout;
  /** Milliseconds create() took: buffers, initial weights and (GPU) compiling every pipeline. */
  buildMs = 0;
  private engine: Engine | null;
  private readonly rng: Rng;
  /** Calls run one after another: they share the model's buffers. */
  private queue: Promise<unknown> = Promise.resolve();
  private trainData: TrainingSet | null = null;
  private epochsTrained = 0;
  /** Calls queued or running (see run); dispose() frees the buffers once they are done. */
  private pending = 0;
  private stepsTrained = 0;
  private checkpoint: Uint8Array<ArrayBuffer> | null = null;
  /** Optimizer state tensors in use (saved in checkpoints); velocity always, as older files have it. */
  private readonly usedStates = new Set<string>(['velocity']);
  /** Steps taken by optimizers that count them (Adam's t), by state group. */
  private optimizerSteps: Record<string, number> = {};
  /** lastCheckpoint decoded: what a diverged epoch is rolled back to. */
  private checkpointState: TrainingState | null = null;

  private constructor(config: NetConfig, layout: ParamLayout, rng: Rng, engine: Engine) {
    this.config = config;
    this.layout = layout;
    this.rng = rng;
    this.engine = engine;
  }

  static async create<const L extends readonly LayerSpec[]>(options: ModelOptions & { layers: L }): Promise<Sequential<WeightsOf<L>>> {
    const config = netConfig(options);
    const layout = paramLayout(config);
    if (layout.total > MAX_PARAMS) {
      throw new LimitError(`this model has ${layout.total} parameters (padding included); the most this library handles is ${MAX_PARAMS}`);
    }
    const started = performance.now();
    const rng = new Rng(config.seed);
    const initial = initialParams(layout, config.init, config.layers.map(activationOf), rng);
    const backend = options.backend ?? 'gpu';
    let engine: Engine;
    if (backend === 'cpu') {
      engine = new CpuEngine(config, layout, initial);
    } else {
      const ctx = backend === 'gpu' ? await createContext() : backend;
      if (!(ctx instanceof GpuContext)) throw new ConfigError("backend must be 'cpu', 'gpu' or a GpuContext from createContext()");
      engine = await GpuEngine.create(ctx, config, layout, initial);
    }
    const model = new Sequential<WeightsOf<L>>(config, layout, rng, engine);
    model.buildMs = performance.now() - started;
    return model;
  }

  /**
   * Restores a model saved with save() (weights, momentum, RNG state, counters) on a backend;
   * training then continues exactly as it would have without the interruption.
   */
  static async load(file: Uint8Array, loadOptions?: { backend?: ModelOptions['backend'] } | null): Promise<Sequential> {
    const options = checkedOptions<{ backend?: ModelOptions['backend'] }>('load options', loadOptions, ['backend']);
    const state = readCheckpoint(file);
    const model: Sequential = await Sequential.create({ ...state.config, backend: options.backend });
    try {
      await model.restore(model.live(), state);
    } catch (error) {
      model.dispose(); // a load that fails leaves nothing allocated behind
      throw error;
    }
    return model;
  }

  /** The model and its training state as a .safetensors file (see src/io/checkpoint.ts). */
  save(): Promise<Uint8Array<ArrayBuffer>> {
    return this.run((e) => this.snapshot(e));
  }

  private async snapshot(e: Engine): Promise<Uint8Array<ArrayBuffer>> {
    return encodeCheckpoint(await this.state(e));
  }

  private async state(e: Engine): Promise<TrainingState> {
    const names = OPTIMIZER_STATES.filter((name) => this.usedStates.has(name));
    const [params, ...tensors] = await Promise.all([e.readParams(), ...names.map((name) => e.readState(name))]);
    const state = Object.fromEntries(names.map((name, i) => [name, tensors[i]]));
    return { config: this.config, params, state, optimizerSteps: { ...this.optimizerSteps }, rng: this.rng.getState(), epochs: this.epochsTrained, steps: this.stepsTrained };
  }

  /** Puts a training state into the engine and the model's counters (load, and a diverged epoch's rollback). */
  private async restore(e: Engine, kept: TrainingState): Promise<void> {
    await e.writeParams(kept.params);
    for (const name of new Set([...this.usedStates, ...Object.keys(kept.state)])) {
      await e.writeState(name, kept.state[name] ?? new Float32Array(this.layout.total));
      this.usedStates.add(name);
    }
    this.optimizerSteps = { ...kept.optimizerSteps };
    this.rng.setState(kept.rng);
    this.epochsTrained = kept.epochs;
    this.stepsTrained = kept.steps;
  }

  /** Zeroes every optimizer state tensor and step count (setWeights, resetOptimizer). */
  private async zeroOptimizer(e: Engine): Promise<void> {
    for (const name of this.usedStates) await e.writeState(name, new Float32Array(this.layout.total));
    this.optimizerSteps = {};
    this.checkpointState = null;
  }

  /** Reads the training state back and keeps it as lastCheckpoint (and decoded, to restore from). */
  private async keepCheckpoint(e: Engine): Promise<void> {
    const state = await this.state(e);
    this.checkpoint = encodeCheckpoint(state);
    this.checkpointState = state;
  }

  /**
   * After a diverged epoch: puts back the state kept at the start of that epoch, when there is one
   * (fit keeps it whenever checkpointEvery is 1). Returns whether it did.
   */
  private async restoreEpochStart(e: Engine): Promise<boolean> {
    const kept = this.checkpointState;
    if (!kept || kept.epochs !== this.epochsTrained) return false;
    await this.restore(e, kept);
    return true;
  }

  /**
   * The checkpoint fit() kept at its last `checkpointEvery` epoch boundary (null before the first):
   * after a DeviceLostError, `Sequential.load(model.lastCheckpoint, { backend: newContext })` resumes.
   */
  get lastCheckpoint(): Uint8Array<ArrayBuffer> | null {
    return this.checkpoint;
  }

  /** Epochs and optimizer steps trained so far (kept in checkpoints). */
  get progress(): { epochs: number; steps: number } {
    return { epochs: this.epochsTrained, steps: this.stepsTrained };
  }

  get backend(): 'gpu' | 'cpu' {
    return this.live().kind;
  }

  private live(): Engine {
    if (!this.engine) throw new DisposedError('this model was disposed; create a new one');
    return this.engine;
  }

  private run<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.queue.then(() => work(this.live())).finally(() => this.pending--);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private matrix(x: Matrix): { values: Float32Array; rows: number } {
    const shape = this.config.inputShape;
    return toMatrix(shape ? `x (inputShape [${shape.join(', ')}]: ${this.config.inputSize} values per sample)` : 'x', x, this.config.inputSize);
  }

  /**
   * Trains on (x, y). Options left out (or `options` null/undefined) take their defaults: 1 epoch,
   * batch min(32, rows), shuffle, 'sgd', learning rate 0.01, momentum 0.9, a checkpoint every epoch.
   */
  async fit(x: Matrix, y: Targets, fitOptions?: FitOptions | null): Promise<History> {
    this.live(); // DisposedError at once for a disposed model
    const options = checkedOptions<FitOptions>('fit options', fitOptions, FIT_OPTION_KEYS);
    const epochs = options.epochs ?? 1;
    if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS) {
      throw new ConfigError(`epochs must be a whole number from 1 to ${MAX_EPOCHS}, got ${kindOf(epochs)}`);
    }
    const { module: optimizer, settings } = optimizerSettings(options);
    const learningRate = settings.learningRate;
    const batchOption = options.batchSize;
    if (batchOption !== undefined && batchOption !== 'full' && (typeof batchOption !== 'number' || !Number.isInteger(batchOption) || batchOption < 1)) {
      throw new ConfigError(`batchSize must be a whole number ≥ 1 or 'full', got ${kindOf(batchOption)}`);
    }
    const shuffle = options.shuffle ?? true;
    if (typeof shuffle !== 'boolean') throw new ConfigError(`shuffle must be true or false, got ${kindOf(shuffle)}`);
    if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new ConfigError(`onProgress must be a function, got ${kindOf(options.onProgress)}`);
    const checkpointEvery = options.checkpointEvery ?? 1;
    if (typeof checkpointEvery !== 'number' || !Number.isInteger(checkpointEvery) || checkpointEvery < 0) {
      throw new ConfigError(`checkpointEvery must be a whole number ≥ 0, got ${kindOf(checkpointEvery)}`);
    }
    const set = this.trainingSet(x, y);
    const data = set.data;
    const batchSize = batchOption === 'full' ? data.rows : (batchOption ?? Math.min(DEFAULT_BATCH, data.rows));
    if (batchSize > data.rows) {
      throw new DataError(`batchSize ${batchSize} is larger than the dataset (${data.rows} samples); use batchSize: 'full' for full-batch descent`);
    }
    const steps = Math.ceil(data.rows / batchSize);
    checkedSchedule(options.schedule, learningRate, this.stepsTrained + epochs * steps); // errors now, not when the fit's turn comes
    return this.run(async (e) => {
      this.adoptTrainingSet(e, set);
      // By default a schedule spans this fit (from wherever the model's training stands when it starts).
      const schedule = checkedSchedule(options.schedule, learningRate, this.stepsTrained + epochs * steps);
      const group = stepGroup(optimizer);
      optimizer.state.forEach((name) => this.usedStates.add(name));
      // Divergence in this fit's first epoch can then still go back to where the fit started.
      if (checkpointEvery > 0 && this.checkpointState?.epochs !== this.epochsTrained) await this.keepCheckpoint(e);
      const history: History = { loss: [] };
      const rule = { optimizer, settings };
      await e.prepareFit(data, batchSize, rule); // upload and compile before the first epoch's clock starts
      for (let epoch = 1; epoch <= epochs; epoch++) {
        if (!this.engine) throw new DisposedError(`the model was disposed during fit, after ${epoch - 1} of ${epochs} epochs`);
        const order = shuffle ? this.rng.permutation(data.rows) : new Uint32Array(data.rows).map((_, i) => i);
        const started = performance.now();
        let done = 0;
        let weighted = 0;
        const rowsOf = (s: number) => Math.min(batchSize, data.rows - s * batchSize);
        const counted = optimizer.countsSteps ? (this.optimizerSteps[group] ?? 0) : 0;
        const scalars = Array.from({ length: steps }, (_, s) => {
          const lr = scheduledRate(schedule, learningRate, this.stepsTrained + s);
          return { lr, ...optimizer.stepScalars(lr, counted + s + 1, settings), counter: this.stepsTrained + s };
        });
        const losses = await e.trainEpoch(data, order, batchSize, rule, scalars, (first, values) => {
          values.forEach((l, i) => (weighted += l * rowsOf(first + i)));
          done = first + values.length;
          // The last group of an epoch is reported once, by the epoch's own report below.
          if (done === steps) return;
          const seen = Math.min(data.rows, done * batchSize);
          options.onProgress?.({
            epoch,
            epochs,
            step: done,
            steps,
            loss: weighted / seen,
            samplesPerSecond: seen / Math.max(1e-3, (performance.now() - started) / 1000),
            epochDone: false,
          });
        });
        let epochLoss = 0;
        losses.forEach((l, s) => (epochLoss += (l * rowsOf(s)) / data.rows));
        if (!Number.isFinite(epochLoss)) {
          const bad = losses.findIndex((l) => !Number.isFinite(l));
          const where = `at epoch ${this.epochsTrained + 1} (epoch ${epoch} of this fit call), step ${bad + 1}`;
          const restored = await this.restoreEpochStart(e);
          throw new TrainingDivergedError(
            `the training loss became ${losses[bad]} ${where}: lower the learning rate (now ${learningRate}) or rescale the inputs. ` +
              (restored
                ? `The model was restored to how it was before that epoch (weights, optimizer state, RNG), so fit can be called again.`
                : `The weights and optimizer state are now not finite: setWeights(good) (which also resets the optimizer state) or Sequential.load(lastCheckpoint) to go on.`),
          );
        }
        history.loss.push(epochLoss);
        this.epochsTrained++;
        this.stepsTrained += steps;
        if (optimizer.countsSteps) this.optimizerSteps[group] = counted + steps;
        if (checkpointEvery > 0 && epoch % checkpointEvery === 0) await this.keepCheckpoint(e);
        options.onProgress?.({
          epoch,
          epochs,
          step: steps,
          steps,
          loss: epochLoss,
          samplesPerSecond: data.rows / Math.max(1e-3, (performance.now() - started) / 1000),
          epochDone: true,
        });
      }
      return history;
    });
  }

  /**
   * The dataset for x and y, checked and converted. The current upload is reused only for the same
   * arrays with the same contents (a fingerprint of every value): arrays changed in place since the
   * last fit are uploaded again, never trained on stale.
   */
  private trainingSet(x: Matrix, y: Targets): TrainingSet {
    const m = this.matrix(x);
    const targets = toTargets(y, m.rows, outputSize(this.config), this.config.loss);
    const fingerprint = `${m.rows}:${fingerprintOf(m.values)}:${fingerprintOf(targets)}`;
    const current = this.trainData;
    if (current && current.x === x && current.y === y && current.fingerprint === fingerprint) return current;
    return { x, y, fingerprint, data: { rows: m.rows, x: m.values, y: targets } };
  }

  /**
   * Makes `set` the current training set, releasing the previous one's upload. Called when its fit
   * starts running (in the queue), never while an earlier fit may still be training on the old one.
   */
  private adoptTrainingSet(engine: Engine, set: TrainingSet): void {
    if (this.trainData === set) return;
    if (this.trainData) engine.release(this.trainData.data);
    this.trainData = set;
  }

  /** Network outputs [rows, outputs] (probabilities for a softmax output layer). */
  async predict(x: Matrix, predictOptions?: Record<string, never> | null): Promise<Float32Array> {
    checkedOptions('predict options', predictOptions, []);
    const m = this.matrix(x);
    const data: Dataset = { rows: m.rows, x: m.values, y: null };
    return this.run(async (e) => {
      try {
        return (await e.infer(data)).outputs;
      } finally {
        e.release(data);
      }
    });
  }

  /**
   * Mean loss and, where it means something, accuracy on a dataset (see classAccuracy): for class
   * labels and one-hot rows (argmax), 0/1 targets (output ≥ 0.5), a softmax output (argmax). For
   * continuous targets (regression) `accuracy` is left out.
   */
  async evaluate(x: Matrix, y: Targets, evaluateOptions?: Record<string, never> | null): Promise<Evaluation> {
    checkedOptions('evaluate options', evaluateOptions, []);
    const m = this.matrix(x);
    const cols = outputSize(this.config);
    const targets = toTargets(y, m.rows, cols, this.config.loss);
    const data: Dataset = { rows: m.rows, x: m.values, y: targets };
    return this.run(async (e) => {
      try {
        const { outputs, loss } = await e.infer(data);
        const accuracy = classAccuracy(outputs, targets, m.rows, cols, this.config.loss);
        return accuracy === null ? { loss: loss! } : { loss: loss!, accuracy };
      } finally {
        e.release(data);
      }
    });
  }

  /** Loss, every parameter's gradient and ∂ℓ/∂X for one batch, from targets; nothing is updated. */
  async gradients(x: Matrix, y: Targets): Promise<Gradients<W>> {
    const m = this.matrix(x);
    const targets = toTargets(y, m.rows, outputSize(this.config), this.config.loss);
    return this.run(async (e) => this.splitGradients(await e.gradients(m.values, m.rows, { y: targets })));
  }

  /**
   * Backpropagates a caller-given ∂ℓ/∂Ŷ [rows, outputs] (custom losses): parameter gradients and
   * ∂ℓ/∂X, nothing updated. Not for softmax output layers (use a linear output and your own softmax).
   */
  async backward(x: Matrix, outputGrad: Matrix): Promise<Gradients<W>> {
    const m = this.matrix(x);
    if (outputLayer(this.config).activation === 'softmax') {
      throw new ConfigError('backward() with a given output gradient needs an element-wise output layer; this one is softmax');
    }
    const g = toMatrix('outputGrad', outputGrad, outputSize(this.config));
    if (g.rows !== m.rows) throw new ShapeError(`outputGrad has ${g.rows} rows but x has ${m.rows}`);
    return this.run(async (e) => this.splitGradients(await e.gradients(m.values, m.rows, { outputGrad: g.values })));
  }

  private splitGradients(r: GradientResult): Gradients<W> {
    return { loss: r.loss, layers: this.split(r.grads), input: r.inputGrad, output: r.output };
  }

  /**
   * One entry per layer with each tensor its module declares (weight and bias), copied out of the
   * flat layout; null for a layer without parameters.
   */
  private split(flat: Float32Array): W {
    return this.layout.layers.map((layer) =>
      layer.tensors.length === 0
        ? null
        : (Object.fromEntries(layer.tensors.map(({ name, offset, length }) => [name, flat.slice(offset, offset + length)])) as unknown as LayerTensors),
    ) as unknown as W;
  }

  /** One entry per layer in order: { weight, bias } in PyTorch's shapes, null for layers without parameters. */
  async getWeights(): Promise<W> {
    return this.split(await this.run((e) => e.readParams()));
  }

  /**
   * Replaces every layer's weight and bias (Float32Array, Float64Array or number[], row-major
   * [units, inputs]) and resets the optimizer state (momentum) to zero, as for a fresh model.
   */
  async setWeights(layers: readonly (LayerValues | null)[]): Promise<void> {
    this.live();
    if (!Array.isArray(layers) || layers.length !== this.layout.layers.length) {
      throw new ShapeError(
        `setWeights needs ${this.layout.layers.length} entries, one per layer ({ weight, bias }, or null for a layer without parameters), got ${Array.isArray(layers) ? layers.length : typeof layers}`,
      );
    }
    const flat = new Float32Array(this.layout.total);
    this.layout.layers.forEach((layer, t) => {
      const given = layers[t] as unknown as Record<string, unknown> | null | undefined;
      if (layer.tensors.length === 0) {
        if (given !== null && given !== undefined) throw new ShapeError(`layer ${t} (${this.config.layers[t].type}) has no parameters: its entry must be null, got ${kindOf(given)}`);
        return;
      }
      if (given !== null && typeof given === 'object') checkedOptions(`setWeights layer ${t}`, given, layer.tensors.map((s) => s.name));
      for (const slot of layer.tensors) {
        const { name } = slot;
        const shape = `[${slot.shape.join(', ')}]`;
        const values: unknown = given?.[name];
        const numeric = values instanceof Float32Array || values instanceof Float64Array || Array.isArray(values);
        if (!numeric || (values as ArrayLike<unknown>).length !== slot.length) {
          throw new ShapeError(`layer ${t} ${name} must be a Float32Array, Float64Array or number[] of ${slot.length} values ${shape}, got ${kindOf(values)}`);
        }
        const list = values as ArrayLike<unknown>;
        for (let i = 0; i < list.length; i++) {
          const v = list[i];
          if (typeof v !== 'number') throw new ShapeError(`layer ${t} ${name} value ${i} is ${kindOf(v)}, not a number`);
          if (!Number.isFinite(v) || !Number.isFinite(Math.fround(v))) throw new DataError(`layer ${t} ${name} value ${i} is ${v}: weights must be finite float32 numbers`);
          flat[slot.offset + i] = v;
        }
      }
    });
    return this.run(async (e) => {
      await e.writeParams(flat);
      await this.zeroOptimizer(e);
    });
  }

  /**
   * Zeroes the optimizer state (momentum) and keeps the weights: after a TrainingDivergedError
   * without a restore, or to start a new phase of training without the old velocity.
   */
  resetOptimizer(): Promise<void> {
    return this.run((e) => this.zeroOptimizer(e));
  }

  /**
   * The model's layers as data and as a text table: per layer its type, activation, output shape
   * ([null, units] or [null, channels, height, width]: the batch dimension is free) and parameter
   * count (declared tensors, no padding).
   */
  summary(): ModelSummary {
    const shapes = layerShapes(this.config);
    const layers = this.config.layers.map((layer, index) => ({
      index,
      type: layer.type ?? 'dense',
      activation: 'activation' in layer ? layer.activation : '',
      outputShape: [null, ...shapes[index].outShape] as [null, ...number[]],
      params: this.layout.layers[index].tensors.reduce((n, t) => n + t.length, 0),
    }));
    const totalParams = layers.reduce((n, l) => n + l.params, 0);
    const shapeText = (shape: readonly (number | null)[]) => `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
    const rows = [
      ['layer', 'type', 'activation', 'output shape', 'params'],
      ['input', '', '', shapeText([null, ...(this.config.inputShape ?? [this.config.inputSize])]), ''],
      ...layers.map((l) => [String(l.index), l.type, l.activation, shapeText(l.outputShape), l.params.toLocaleString('en-US')]),
    ];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((cell, c) => (c === r.length - 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ');
    const text = [...rows.map(line), `total params: ${totalParams.toLocaleString('en-US')} (loss ${this.config.loss})`].join('\n');
    return { layers, totalParams, text };
  }

  /** Live GPU buffers and bytes held by this model (zero on the CPU backend). */
  stats(): { buffers: number; bytes: number } {
    return this.live().stats();
  }

  /**
   * Frees the model's GPU buffers; using the model afterwards throws DisposedError. A fit running
   * meanwhile rejects with DisposedError at its next epoch boundary, and the buffers go then.
   */
  dispose(): void {
    const engine = this.engine;
    this.engine = null;
    if (!engine) return;
    // A call still running keeps the buffers until it stops (fit stops at its next epoch boundary).
    if (this.pending === 0) engine.dispose();
    else void this.queue.then(() => engine.dispose());
  }
}

const FIT_OPTION_KEYS = [
  'epochs',
  'batchSize',
  'shuffle',
  'optimizer',
  'learningRate',
  'momentum',
  'beta1',
  'beta2',
  'epsilon',
  'rho',
  'weightDecay',
  'clipNorm',
  'schedule',
  'onProgress',
  'checkpointEvery',
] as const;
/** fit's default batch size (smaller datasets train full-batch). */
const DEFAULT_BATCH = 32;

interface TrainingSet {
  x: unknown;
  y: unknown;
  /** Row count and hashes of the converted values, to notice arrays changed in place. */
  fingerprint: string;
  data: Dataset;
}

/** A bound that catches absurd values (1e9 epochs would never return); call fit again to go on. */
const MAX_EPOCHS = 1_000_000;

/**
 * Accuracy where it means something, else null:
 * - a softmax output (crossEntropy), or one-hot target rows (class labels become those): the share of
 *   rows whose output argmax is the target's argmax;
 * - 0/1 targets otherwise (one output, or several independent ones): the share of outputs on the
 *   target's side of 0.5;
 * - any other targets (regression): null.
 */
export function classAccuracy(outputs: Float32Array, targets: Float32Array, rows: number, cols: number, loss: LossName): number | null {
  const binary = targets.every((v) => v === 0 || v === 1);
  const oneHotRows = cols > 1 && binary && Array.from({ length: rows }, (_, r) => rowSum(targets, r * cols, cols)).every((s) => s === 1);
  if (loss === 'crossEntropy' || oneHotRows) {
    let correct = 0;
    for (let r = 0; r < rows; r++) if (argmax(outputs, r * cols, cols) === argmax(targets, r * cols, cols)) correct++;
    return correct / rows;
  }
  if (!binary) return null;
  let correct = 0;
  for (let i = 0; i < targets.length; i++) if (outputs[i] >= 0.5 === targets[i] >= 0.5) correct++;
  return correct / targets.length;
}

function rowSum(values: Float32Array, start: number, length: number): number {
  let sum = 0;
  for (let j = 0; j < length; j++) sum += values[start + j];
  return sum;
}

/** A 32-bit FNV-1a style hash of every value's bits: detects arrays changed in place between fits. */
function fingerprintOf(values: Float32Array): number {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length);
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return h >>> 0;
}

function argmax(values: Float32Array, start: number, length: number): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (values[start + j] > values[start + best]) best = j;
  return best;
}

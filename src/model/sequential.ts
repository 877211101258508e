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
import { checkedOptions, kindOf, oneOf } from '../options.js';
import { OPTIMIZER_STATES, stepGroup, type OptimizerModule, type OptimizerSettings } from '../optimizers/index.js';
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
  /** True once per epoch, when its last step is done (and its validation, when validating). */
  epochDone: boolean;
  /** In the epochDone report when validating: the validation loss and accuracy (see History). */
  valLoss?: number;
  valAccuracy?: number;
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
  /**
   * Held-out data scored after every epoch (on the model's backend, in one pass): `[x, y]` in the
   * forms fit takes. Its loss and accuracy go into the history, progress reports and onEpochEnd.
   */
  validationData?: readonly [Matrix, Targets];
  /** The last this fraction (0 < f < 1) of the rows, taken before any shuffling, as validation data (Keras's validation_split); the rest trains. */
  validationSplit?: number;
  /** Stops when the monitored loss stops improving; see EarlyStopping. */
  earlyStopping?: EarlyStopping;
  /**
   * Called after every epoch (after validation and the checkpoint) with its numbers; returning
   * `false` (or a promise of false) stops fit after that epoch. While it runs, the model's other calls
   * (getWeights, save, evaluate, ...) run at once, between the epochs, instead of waiting for fit.
   * A callback that throws ends fit with its error; the epoch's training is kept.
   */
  onEpochEnd?: (info: EpochEnd) => void | boolean | Promise<void | boolean>;
}

/** Keras's EarlyStopping: stop once the monitored value has not improved by more than minDelta for `patience` epochs. */
export interface EarlyStopping {
  /** Default 'valLoss' when validating, else 'loss' (the mean training loss). */
  monitor?: 'valLoss' | 'loss';
  /** Epochs without improvement after which fit stops (default 0; 0 and 1 both stop at the first epoch that does not improve, as in Keras). */
  patience?: number;
  /** An epoch improves only when its value is below the best by more than this (default 0). */
  minDelta?: number;
  /**
   * At the end of fit (stopped early or not), put back the weights and optimizer state (moments,
   * step counts) of the best epoch when a later one was worse (default false). The epoch and step
   * counters and the RNG keep going forward.
   */
  restoreBest?: boolean;
}

/** What onEpochEnd gets after each epoch. */
export interface EpochEnd {
  /** This epoch in this fit call (1 to epochs), and how many the call asked for. */
  epoch: number;
  epochs: number;
  /** Mean training loss of the epoch. */
  loss: number;
  /** The validation set's loss and (where evaluate() would give one) accuracy, when validating. */
  valLoss?: number;
  valAccuracy?: number;
  /** Training throughput and time of the epoch alone (validation and checkpoint excluded). */
  samplesPerSecond: number;
  seconds: number;
  /** Seconds the validation pass took (0 without validation). */
  validationSeconds: number;
  /** The epoch (of this call) with the best monitored value so far (see EarlyStopping.monitor). */
  bestEpoch: number;
}

export interface History {
  /** Mean training loss of each epoch. */
  loss: number[];
  /** Validation loss after each epoch (with validationData or validationSplit). */
  valLoss?: number[];
  /** Validation accuracy after each epoch, where evaluate() would report accuracy. */
  valAccuracy?: number[];
  /** Whether early stopping or onEpochEnd ended fit before its `epochs`. */
  stoppedEarly: boolean;
  /**
   * The epoch of this call (1-based) with the lowest monitored value (earlyStopping.monitor, by
   * default valLoss when validating, else loss; an improvement must beat minDelta).
   */
  bestEpoch: number;
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
type ParameterFree = 'maxPool2d' | 'avgPool2d' | 'flatten' | 'dropout' | 'randomShift';
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
  /** Set while fit waits for its onEpochEnd callback: the model's calls then run at once (see run). */
  private betweenEpochs: { calls: Promise<unknown> } | null = null;

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

  /**
   * The trained network as an ONNX model (opset 17): input "input" [batch, ...inputShape], output
   * "output" [batch, units] (probabilities for a softmax output, as predict()). Serve it with ONNX
   * Runtime (Web, Node or Python). The exporter and its protobuf encoder (src/io/onnx.ts) are loaded
   * on the first call, so bundles that never export do not carry them.
   */
  async toOnnx(): Promise<Uint8Array<ArrayBuffer>> {
    const weights = (await this.getWeights()) as unknown as readonly ({ weight: Float32Array; bias: Float32Array } | null)[];
    const { encodeOnnx } = await import('../io/onnx.js');
    return encodeOnnx(this.config, layerShapes(this.config), weights) as Uint8Array<ArrayBuffer>;
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
    const between = this.betweenEpochs;
    if (between) {
      // Called while fit waits for its onEpochEnd callback: runs now, between the epochs (fit waits
      // for it before going on), one after another with the callback's other calls.
      const result = between.calls.then(() => work(this.live())).finally(() => this.pending--);
      between.calls = result.catch(() => undefined);
      return result;
    }
    const result = this.queue.then(() => work(this.live())).finally(() => this.pending--);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private matrix(x: Matrix, what = 'x'): { values: Float32Array; rows: number } {
    const shape = this.config.inputShape;
    return toMatrix(shape ? `${what} (inputShape [${shape.join(', ')}]: ${this.config.inputSize} values per sample)` : what, x, this.config.inputSize);
  }

  /**
   * Trains on (x, y). Options left out (or `options` null/undefined) take their defaults: 1 epoch,
   * batch min(32, rows), shuffle, 'sgd', learning rate 0.01, momentum 0.9, a checkpoint every epoch,
   * no validation, no early stopping.
   */
  async fit(x: Matrix, y: Targets, fitOptions?: FitOptions | null): Promise<History> {
    this.live(); // DisposedError at once for a disposed model
    if (this.betweenEpochs) throw new ConfigError('fit cannot be called from onEpochEnd while another fit runs: return false to stop that one, then call fit again');
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
    if (options.onEpochEnd !== undefined && typeof options.onEpochEnd !== 'function') throw new ConfigError(`onEpochEnd must be a function, got ${kindOf(options.onEpochEnd)}`);
    const checkpointEvery = options.checkpointEvery ?? 1;
    if (typeof checkpointEvery !== 'number' || !Number.isInteger(checkpointEvery) || checkpointEvery < 0) {
      throw new ConfigError(`checkpointEvery must be a whole number ≥ 0, got ${kindOf(checkpointEvery)}`);
    }
    const split = options.validationSplit;
    if (split !== undefined && (typeof split !== 'number' || !(split > 0 && split < 1))) {
      throw new ConfigError(`validationSplit must be a number between 0 and 1 (exclusive): the share of rows, taken from the end, to validate on; got ${kindOf(split)}`);
    }
    if (split !== undefined && options.validationData !== undefined) {
      throw new ConfigError('give validationData or validationSplit, not both');
    }
    const validating = split !== undefined || options.validationData !== undefined;
    const stopping = earlyStoppingOf(options.earlyStopping, validating);
    const set = this.trainingSet(x, y, split ?? 0);
    const data = set.data;
    const validation = options.validationData !== undefined ? this.validationSet(options.validationData) : set.validation;
    const batchSize = batchOption === 'full' ? data.rows : (batchOption ?? Math.min(DEFAULT_BATCH, data.rows));
    if (batchSize > data.rows) {
      throw new DataError(
        `batchSize ${batchSize} is larger than the ${split !== undefined ? 'training part of the ' : ''}dataset (${data.rows} samples); use batchSize: 'full' for full-batch descent`,
      );
    }
    const steps = Math.ceil(data.rows / batchSize);
    checkedSchedule(options.schedule, learningRate, this.stepsTrained + epochs * steps); // errors now, not when the fit's turn comes
    return this.run(async (e) => {
      this.adoptTrainingSet(e, set);
      try {
        return await this.trainEpochs(e, { ...options, epochs, batchSize, steps, shuffle, checkpointEvery, learningRate, optimizer, settings }, data, validation, stopping);
      } finally {
        // The validation set is uploaded once per fit (infer keeps its upload) and released here.
        if (validation) e.release(validation.data);
      }
    });
  }

  /** fit's epochs, run in the model's queue (see fit for the options, checked there). */
  private async trainEpochs(
    e: Engine,
    o: FitRun,
    data: Dataset,
    validation: ValidationSet | null,
    stopping: Required<EarlyStopping> & { given: boolean },
  ): Promise<History> {
    const { epochs, batchSize, steps, shuffle, checkpointEvery, learningRate, optimizer, settings } = o;
    // By default a schedule spans this fit (from wherever the model's training stands when it starts).
    const schedule = checkedSchedule(o.schedule, learningRate, this.stepsTrained + epochs * steps);
    const group = stepGroup(optimizer);
    optimizer.state.forEach((name) => this.usedStates.add(name));
    // Divergence in this fit's first epoch can then still go back to where the fit started.
    if (checkpointEvery > 0 && this.checkpointState?.epochs !== this.epochsTrained) await this.keepCheckpoint(e);
    const history: History = { loss: [], stoppedEarly: false, bestEpoch: 0 };
    if (validation) history.valLoss = [];
    if (validation?.accuracy) history.valAccuracy = [];
    let best = Infinity;
    let wait = 0;
    /** The training state after the best epoch, for restoreBest. */
    let bestState: TrainingState | null = null;
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
        o.onProgress?.({
          epoch,
          epochs,
          step: done,
          steps,
          loss: weighted / seen,
          samplesPerSecond: seen / Math.max(1e-3, (performance.now() - started) / 1000),
          epochDone: false,
        });
      });
      // The epoch's clock stops here: validation and the checkpoint are not training time.
      const seconds = Math.max(1e-6, (performance.now() - started) / 1000);
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
      const kept = checkpointEvery > 0 && epoch % checkpointEvery === 0;
      if (kept) await this.keepCheckpoint(e);

      const scored = validation ? performance.now() : 0;
      const val = validation ? await this.scored(e, validation.data, validation.rows) : null;
      const validationSeconds = validation ? (performance.now() - scored) / 1000 : 0;
      if (val && !Number.isFinite(val.loss)) {
        throw new TrainingDivergedError(
          `the validation loss became ${val.loss} after epoch ${this.epochsTrained} (epoch ${epoch} of this fit call) while the training loss is ${epochLoss}: ` +
            `the validation inputs are likely on another scale than the training ones; rescale them. The epoch's training is kept.`,
        );
      }
      if (val) {
        history.valLoss!.push(val.loss);
        if (val.accuracy !== undefined) history.valAccuracy?.push(val.accuracy);
      }

      const monitored = stopping.monitor === 'valLoss' ? val!.loss : epochLoss;
      wait++;
      if (monitored < best - stopping.minDelta) {
        best = monitored;
        history.bestEpoch = epoch;
        wait = 0;
        if (stopping.restoreBest) bestState = kept ? this.checkpointState : await this.state(e);
      }
      const stop = stopping.given && wait > 0 && wait >= stopping.patience;

      const report: Progress = { epoch, epochs, step: steps, steps, loss: epochLoss, samplesPerSecond: data.rows / seconds, epochDone: true };
      if (val) {
        report.valLoss = val.loss;
        if (val.accuracy !== undefined) report.valAccuracy = val.accuracy;
      }
      o.onProgress?.(report);
      let goOn = true;
      if (o.onEpochEnd) {
        const info: EpochEnd = { epoch, epochs, loss: epochLoss, samplesPerSecond: data.rows / seconds, seconds, validationSeconds, bestEpoch: history.bestEpoch };
        if (val) {
          info.valLoss = val.loss;
          if (val.accuracy !== undefined) info.valAccuracy = val.accuracy;
        }
        goOn = (await this.betweenEpochCall(() => o.onEpochEnd!(info))) !== false;
      }
      if ((stop || !goOn) && epoch < epochs) {
        history.stoppedEarly = true;
        break;
      }
    }
    if (bestState && history.bestEpoch !== history.loss.length) {
      if (!this.engine) throw new DisposedError('the model was disposed during fit, before its best epoch could be restored');
      // Weights and optimizer state (with its step counts) from the best epoch; time (epochs, steps, RNG) goes on.
      await this.restore(e, { ...bestState, rng: this.rng.getState(), epochs: this.epochsTrained, steps: this.stepsTrained });
      if (checkpointEvery > 0) await this.keepCheckpoint(e);
    }
    return history;
  }

  /**
   * Runs an onEpochEnd callback; the model's calls it makes run meanwhile (see run), and fit goes on
   * only once they are all done.
   */
  private async betweenEpochCall<T>(callback: () => T | Promise<T>): Promise<T> {
    const between = { calls: Promise.resolve() as Promise<unknown> };
    this.betweenEpochs = between;
    try {
      return await callback();
    } finally {
      for (let calls = between.calls; ; calls = between.calls) {
        await calls;
        if (calls === between.calls) break;
      }
      this.betweenEpochs = null;
    }
  }

  /** Mean loss and, where it means something, accuracy of the network on a dataset with targets. */
  private async scored(e: Engine, data: Dataset, rows: number): Promise<Evaluation> {
    const { outputs, loss } = await e.infer(data);
    const accuracy = classAccuracy(outputs, data.y!, rows, outputSize(this.config), this.config.loss);
    return accuracy === null ? { loss: loss! } : { loss: loss!, accuracy };
  }

  /**
   * The dataset for x and y, checked and converted, less its last `split` share of rows (which
   * become the validation set). The current upload is reused only for the same arrays with the same
   * contents (a fingerprint of every value) and the same split: arrays changed in place since the
   * last fit are uploaded again, never trained on stale.
   */
  private trainingSet(x: Matrix, y: Targets, split: number): TrainingSet {
    const m = this.matrix(x);
    const cols = outputSize(this.config);
    const targets = toTargets(y, m.rows, cols, this.config.loss);
    const trainRows = split > 0 ? Math.floor(m.rows * (1 - split)) : m.rows;
    if (trainRows < 1 || (split > 0 && trainRows >= m.rows)) {
      throw new DataError(
        `validationSplit ${split} of ${m.rows} samples leaves ${trainRows} to train on and ${m.rows - trainRows} to validate on: both need at least one; give more data or another split`,
      );
    }
    const fingerprint = `${m.rows}:${trainRows}:${fingerprintOf(m.values)}:${fingerprintOf(targets)}`;
    const current = this.trainData;
    if (current && current.x === x && current.y === y && current.fingerprint === fingerprint) return current;
    const inputs = this.config.inputSize;
    const validation =
      trainRows < m.rows
        ? this.validationOf({ rows: m.rows - trainRows, x: m.values.slice(trainRows * inputs), y: targets.slice(trainRows * cols) })
        : null;
    const data =
      trainRows < m.rows ? { rows: trainRows, x: m.values.slice(0, trainRows * inputs), y: targets.slice(0, trainRows * cols) } : { rows: m.rows, x: m.values, y: targets };
    return { x, y, fingerprint, data, validation };
  }

  /** validationData checked and converted; its errors say that they are about the validation data. */
  private validationSet(given: unknown): ValidationSet {
    if (!Array.isArray(given) || given.length !== 2) {
      throw new ConfigError(`validationData must be [x, y] (an array of two: inputs and targets, as fit takes them), got ${kindOf(given)}`);
    }
    const m = this.matrix(given[0] as Matrix, 'validationData x');
    const targets = relabelled('validationData y', () => toTargets(given[1], m.rows, outputSize(this.config), this.config.loss));
    return this.validationOf({ rows: m.rows, x: m.values, y: targets });
  }

  private validationOf(data: Dataset): ValidationSet {
    // Whether evaluate() would report an accuracy for these targets (the outputs do not matter).
    const accuracy = classAccuracy(new Float32Array(data.y!.length), data.y!, data.rows, outputSize(this.config), this.config.loss) !== null;
    // A fresh Dataset per fit: its upload is released when that fit ends.
    return { rows: data.rows, accuracy, data };
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
        return await this.scored(e, data, m.rows);
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
  'validationData',
  'validationSplit',
  'earlyStopping',
  'onEpochEnd',
] as const;
const EARLY_STOPPING_KEYS = ['monitor', 'patience', 'minDelta', 'restoreBest'] as const;

/** fit's checked options, as its epochs use them. */
interface FitRun extends Omit<FitOptions, 'optimizer'> {
  epochs: number;
  batchSize: number;
  steps: number;
  shuffle: boolean;
  checkpointEvery: number;
  learningRate: number;
  optimizer: OptimizerModule;
  settings: OptimizerSettings;
}

/** A validation set converted for the engine, and whether evaluate() would report accuracy on it. */
interface ValidationSet {
  rows: number;
  accuracy: boolean;
  data: Dataset;
}

/** fit's earlyStopping checked, with its defaults; `given` is false without it (the best epoch is still tracked). */
function earlyStoppingOf(given: unknown, validating: boolean): Required<EarlyStopping> & { given: boolean } {
  const o = checkedOptions<EarlyStopping>('earlyStopping', given, EARLY_STOPPING_KEYS);
  const monitor = oneOf('earlyStopping.monitor', o.monitor ?? (validating ? 'valLoss' : 'loss'), ['valLoss', 'loss'] as const);
  if (monitor === 'valLoss' && !validating) {
    throw new ConfigError("earlyStopping.monitor 'valLoss' needs validation data: give validationData or validationSplit, or monitor 'loss'");
  }
  const patience = o.patience ?? 0;
  if (typeof patience !== 'number' || !Number.isInteger(patience) || patience < 0) {
    throw new ConfigError(`earlyStopping.patience must be a whole number ≥ 0 (epochs without improvement before stopping), got ${kindOf(patience)}`);
  }
  const minDelta = o.minDelta ?? 0;
  if (typeof minDelta !== 'number' || !Number.isFinite(minDelta) || minDelta < 0) {
    throw new ConfigError(`earlyStopping.minDelta must be a finite number ≥ 0 (how much lower than the best an improvement must be), got ${kindOf(minDelta)}`);
  }
  const restoreBest = o.restoreBest ?? false;
  if (typeof restoreBest !== 'boolean') throw new ConfigError(`earlyStopping.restoreBest must be true or false, got ${kindOf(restoreBest)}`);
  return { monitor, patience, minDelta, restoreBest, given: given !== undefined && given !== null };
}

/** Runs a conversion, naming `what` in its ShapeError or DataError. */
function relabelled<T>(what: string, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    if (error instanceof ShapeError) throw new ShapeError(`${what}: ${error.message}`);
    if (error instanceof DataError) throw new DataError(`${what}: ${error.message}`);
    throw error;
  }
}
/** fit's default batch size (smaller datasets train full-batch). */
const DEFAULT_BATCH = 32;

interface TrainingSet {
  x: unknown;
  y: unknown;
  /** Row count and hashes of the converted values, to notice arrays changed in place. */
  fingerprint: string;
  data: Dataset;
  /** The rows validationSplit set aside (null without it). */
  validation: ValidationSet | null;
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

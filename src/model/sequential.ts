import { ConfigError, DataError, DisposedError, LimitError, ShapeError, TrainingDivergedError } from '../errors.js';
import { GpuContext } from '../gpu/context.js';
import { encodeCheckpoint, readCheckpoint, type TrainingState } from '../io/checkpoint.js';
import { CpuEngine } from '../train/cpu_engine.js';
import { toMatrix, toTargets, type Matrix, type Targets } from '../train/data.js';
import type { Dataset, Engine, GradientResult } from '../train/engine.js';
import { GpuEngine } from '../train/gpu_engine.js';
import { OPTIMIZERS, type OptimizerName } from '../types.js';
import { netConfig, outputSize, type LayerSpec, type NetConfig } from './config.js';
import { initialParams } from './init.js';
import { paramLayout, type ParamLayout } from './layout.js';
import { Rng } from './rng.js';

export interface ModelOptions {
  inputSize: number;
  layers: LayerSpec[];
  /** Default: 'crossEntropy' for a softmax output layer, else 'mse'. */
  loss?: NetConfig['loss'];
  /** Default 'normal' (N(0,1), the notes' default); 'he' for relu nets, 'xavier' for tanh/sigmoid. */
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

export interface FitOptions {
  epochs?: number;
  /** Samples per step (default 32); 'full' (or the dataset size) is full-batch gradient descent. */
  batchSize?: number | 'full';
  /** Reshuffle the samples every epoch with the model's seeded RNG (default true). */
  shuffle?: boolean;
  optimizer?: OptimizerName;
  learningRate?: number;
  /** β of momentum (default 0.9). */
  momentum?: number;
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

export interface LayerTensors {
  /** W [units, inputs of the layer], row-major. */
  weight: Float32Array;
  bias: Float32Array;
}

export interface Gradients {
  loss: number | null;
  layers: LayerTensors[];
  /** ∂ℓ/∂X [rows, inputSize]. */
  input: Float32Array;
  /** The network's output for the batch [rows, outputs]. */
  output: Float32Array;
}

/**
 * A multilayer perceptron trained by backpropagation, on the GPU (WebGPU) or on the CPU reference
 * backend, with the same API and, from the same seed, the same numbers up to float32 rounding.
 */
export class Sequential {
  readonly config: NetConfig;
  readonly layout: ParamLayout;
  /** Milliseconds create() took: buffers, initial weights and (GPU) compiling every pipeline. */
  buildMs = 0;
  private engine: Engine | null;
  private readonly rng: Rng;
  /** Calls run one after another: they share the model's buffers. */
  private queue: Promise<unknown> = Promise.resolve();
  private trainData: { x: unknown; y: unknown; data: Dataset } | null = null;
  private epochsTrained = 0;
  /** Calls queued or running (see run); dispose() frees the buffers once they are done. */
  private pending = 0;
  private stepsTrained = 0;
  private checkpoint: Uint8Array<ArrayBuffer> | null = null;

  private constructor(config: NetConfig, layout: ParamLayout, rng: Rng, engine: Engine) {
    this.config = config;
    this.layout = layout;
    this.rng = rng;
    this.engine = engine;
  }

  static async create(options: ModelOptions): Promise<Sequential> {
    const config = netConfig(options);
    const layout = paramLayout(config.inputSize, config.layers.map((l) => l.units));
    if (layout.total > MAX_PARAMS) {
      throw new LimitError(`this model has ${layout.total} parameters (padding included); the most this library handles is ${MAX_PARAMS}`);
    }
    const started = performance.now();
    const rng = new Rng(config.seed);
    const initial = initialParams(layout, config.init, rng);
    const backend = options.backend ?? 'gpu';
    let engine: Engine;
    if (backend === 'cpu') {
      engine = new CpuEngine(config, layout, initial);
    } else {
      const ctx = backend === 'gpu' ? await GpuContext.create() : backend;
      if (!(ctx instanceof GpuContext)) throw new ConfigError("backend must be 'cpu', 'gpu' or a GpuContext from createContext()");
      engine = await GpuEngine.create(ctx, config, layout, initial);
    }
    const model = new Sequential(config, layout, rng, engine);
    model.buildMs = performance.now() - started;
    return model;
  }

  /**
   * Restores a model saved with save() (weights, momentum, RNG state, counters) on a backend;
   * training then continues exactly as it would have without the interruption.
   */
  static async load(file: Uint8Array, options: { backend?: ModelOptions['backend'] } = {}): Promise<Sequential> {
    const state = readCheckpoint(file);
    const model = await Sequential.create({ ...state.config, backend: options.backend });
    const engine = model.live();
    engine.writeParams(state.params);
    engine.writeVelocity(state.velocity);
    model.rng.setState(state.rng);
    model.epochsTrained = state.epochs;
    model.stepsTrained = state.steps;
    return model;
  }

  /** The model and its training state as a .safetensors file (see src/io/checkpoint.ts). */
  save(): Promise<Uint8Array<ArrayBuffer>> {
    return this.run((e) => this.snapshot(e));
  }

  private async snapshot(e: Engine): Promise<Uint8Array<ArrayBuffer>> {
    const [params, velocity] = await Promise.all([e.readParams(), e.readVelocity()]);
    const state: TrainingState = { config: this.config, params, velocity, rng: this.rng.getState(), epochs: this.epochsTrained, steps: this.stepsTrained };
    return encodeCheckpoint(state);
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
    return toMatrix('x', x, this.config.inputSize);
  }

  async fit(x: Matrix, y: Targets, options: FitOptions = {}): Promise<History> {
    this.live(); // DisposedError at once for a disposed model
    const epochs = options.epochs ?? 1;
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS) {
      throw new ConfigError(`epochs must be a whole number from 1 to ${MAX_EPOCHS}, got ${epochs}`);
    }
    const optimizer = options.optimizer ?? 'sgd';
    if (!OPTIMIZERS.includes(optimizer)) throw new ConfigError(`optimizer must be one of ${OPTIMIZERS.join(', ')}; got ${JSON.stringify(optimizer)}`);
    const learningRate = options.learningRate ?? 0.01;
    if (typeof learningRate !== 'number' || !(learningRate > 0) || !Number.isFinite(learningRate)) {
      throw new ConfigError(`learningRate must be a positive finite number, got ${learningRate}`);
    }
    const momentum = options.momentum ?? 0.9;
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) throw new ConfigError(`momentum must be in [0, 1), got ${momentum}`);
    const set = this.trainingSet(x, y);
    const data = set.data;
    const batchSize = options.batchSize === 'full' || options.batchSize === undefined ? (options.batchSize === 'full' ? data.rows : 32) : options.batchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConfigError(`batchSize must be a whole number ≥ 1 or 'full', got ${batchSize}`);
    if (batchSize > data.rows) {
      throw new DataError(`batchSize ${batchSize} is larger than the dataset (${data.rows} samples); use batchSize: 'full' for full-batch descent`);
    }
    const shuffle = options.shuffle ?? true;
    if (typeof shuffle !== 'boolean') throw new ConfigError(`shuffle must be true or false, got ${String(shuffle)}`);
    if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new ConfigError('onProgress must be a function');
    const checkpointEvery = options.checkpointEvery ?? 1;
    if (!Number.isInteger(checkpointEvery) || checkpointEvery < 0) throw new ConfigError(`checkpointEvery must be a whole number ≥ 0, got ${checkpointEvery}`);
    const steps = Math.ceil(data.rows / batchSize);
    return this.run(async (e) => {
      this.adoptTrainingSet(e, set);
      const history: History = { loss: [] };
      for (let epoch = 1; epoch <= epochs; epoch++) {
        if (!this.engine) throw new DisposedError(`the model was disposed during fit, after ${epoch - 1} of ${epochs} epochs`);
        const order = shuffle ? this.rng.permutation(data.rows) : new Uint32Array(data.rows).map((_, i) => i);
        const started = performance.now();
        let done = 0;
        let weighted = 0;
        const rowsOf = (s: number) => Math.min(batchSize, data.rows - s * batchSize);
        const losses = await e.trainEpoch(data, order, batchSize, { kind: optimizer, learningRate, momentum }, (first, values) => {
          values.forEach((l, i) => (weighted += l * rowsOf(first + i)));
          done = first + values.length;
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
          throw new TrainingDivergedError(
            `the training loss became ${losses[bad]} at epoch ${this.epochsTrained + 1} (epoch ${epoch} of this fit call), step ${bad + 1}: ` +
              `lower the learning rate (now ${learningRate}) or rescale the inputs`,
          );
        }
        history.loss.push(epochLoss);
        this.epochsTrained++;
        this.stepsTrained += steps;
        if (checkpointEvery > 0 && epoch % checkpointEvery === 0) this.checkpoint = await this.snapshot(e);
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

  /** The dataset for x and y, checked and converted; the same arrays as the current one reuse it. */
  private trainingSet(x: Matrix, y: Targets): { x: unknown; y: unknown; data: Dataset } {
    if (this.trainData && this.trainData.x === x && this.trainData.y === y) return this.trainData;
    const m = this.matrix(x);
    const targets = toTargets(y, m.rows, outputSize(this.config), this.config.loss);
    return { x, y, data: { rows: m.rows, x: m.values, y: targets } };
  }

  /**
   * Makes `set` the current training set, releasing the previous one's upload. Called when its fit
   * starts running (in the queue), never while an earlier fit may still be training on the old one.
   */
  private adoptTrainingSet(engine: Engine, set: { x: unknown; y: unknown; data: Dataset }): void {
    if (this.trainData === set) return;
    if (this.trainData) engine.release(this.trainData.data);
    this.trainData = set;
  }

  /** Network outputs [rows, outputs] (probabilities for a softmax output layer). */
  async predict(x: Matrix): Promise<Float32Array> {
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
   * Mean loss and accuracy on a dataset. Accuracy: argmax of output vs target for several outputs;
   * output ≥ 0.5 vs target ≥ 0.5 for a single output.
   */
  async evaluate(x: Matrix, y: Targets): Promise<{ loss: number; accuracy: number }> {
    const m = this.matrix(x);
    const cols = outputSize(this.config);
    const targets = toTargets(y, m.rows, cols, this.config.loss);
    const data: Dataset = { rows: m.rows, x: m.values, y: targets };
    return this.run(async (e) => {
      try {
        const { outputs, loss } = await e.infer(data);
        return { loss: loss!, accuracy: accuracy(outputs, targets, m.rows, cols) };
      } finally {
        e.release(data);
      }
    });
  }

  /** Loss, every parameter's gradient and ∂ℓ/∂X for one batch, from targets; nothing is updated. */
  async gradients(x: Matrix, y: Targets): Promise<Gradients> {
    const m = this.matrix(x);
    const targets = toTargets(y, m.rows, outputSize(this.config), this.config.loss);
    return this.run(async (e) => this.splitGradients(await e.gradients(m.values, m.rows, { y: targets })));
  }

  /**
   * Backpropagates a caller-given ∂ℓ/∂Ŷ [rows, outputs] (custom losses): parameter gradients and
   * ∂ℓ/∂X, nothing updated. Not for softmax output layers (use a linear output and your own softmax).
   */
  async backward(x: Matrix, outputGrad: Matrix): Promise<Gradients> {
    const m = this.matrix(x);
    const last = this.config.layers[this.config.layers.length - 1];
    if (last.activation === 'softmax') {
      throw new ConfigError('backward() with a given output gradient needs an element-wise output layer; this one is softmax');
    }
    const g = toMatrix('outputGrad', outputGrad, outputSize(this.config));
    if (g.rows !== m.rows) throw new ShapeError(`outputGrad has ${g.rows} rows but x has ${m.rows}`);
    return this.run(async (e) => this.splitGradients(await e.gradients(m.values, m.rows, { outputGrad: g.values })));
  }

  private splitGradients(r: GradientResult): Gradients {
    return { loss: r.loss, layers: this.split(r.grads), input: r.inputGrad, output: r.output };
  }

  private split(flat: Float32Array): LayerTensors[] {
    return this.layout.layers.map(({ weight, bias }) => ({
      weight: flat.slice(weight.offset, weight.offset + weight.length),
      bias: flat.slice(bias.offset, bias.offset + bias.length),
    }));
  }

  async getWeights(): Promise<LayerTensors[]> {
    return this.split(await this.run((e) => e.readParams()));
  }

  async setWeights(layers: LayerTensors[]): Promise<void> {
    this.live();
    if (!Array.isArray(layers) || layers.length !== this.layout.layers.length) {
      throw new ShapeError(`setWeights needs ${this.layout.layers.length} layers of { weight, bias }, got ${Array.isArray(layers) ? layers.length : typeof layers}`);
    }
    const flat = new Float32Array(this.layout.total);
    this.layout.layers.forEach(({ weight, bias, nIn, nOut }, t) => {
      const given = layers[t];
      for (const [name, slot, shape] of [['weight', weight, `[${nOut}, ${nIn}]`], ['bias', bias, `[${nOut}]`]] as const) {
        const values = given?.[name];
        if (!(values instanceof Float32Array) || values.length !== slot.length) {
          throw new ShapeError(`layer ${t} ${name} must be a Float32Array of ${slot.length} values ${shape}`);
        }
        if (!values.every(Number.isFinite)) throw new DataError(`layer ${t} ${name} contains NaN or Infinity`);
        flat.set(values, slot.offset);
      }
    });
    return this.run(async (e) => e.writeParams(flat));
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

/** 2^28 floats: a 1 GiB parameter buffer; beyond it the CPU copies alone would strain a browser tab. */
const MAX_PARAMS = 1 << 28;
/** A bound that catches absurd values (1e9 epochs would never return); call fit again to go on. */
const MAX_EPOCHS = 1_000_000;

function accuracy(outputs: Float32Array, targets: Float32Array, rows: number, cols: number): number {
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    if (cols === 1) {
      if (outputs[r] >= 0.5 === targets[r] >= 0.5) correct++;
      continue;
    }
    if (argmax(outputs, r * cols, cols) === argmax(targets, r * cols, cols)) correct++;
  }
  return correct / rows;
}

function argmax(values: Float32Array, start: number, length: number): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (values[start + j] > values[start + best]) best = j;
  return best;
}

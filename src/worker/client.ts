// TrainingWorker: a model that lives in a Worker running serveTraining(), used from the page with
// the model's own calls. fit's progress and epoch ends come back as messages and call the page's
// callbacks; pause, resume and stop act at epoch boundaries, where the model's state is whole and
// where its other calls (predict, save, ...) are answered while fit runs.
import {
  ConfigError,
  DisposedError,
  type AdapterDescription,
  type EpochEnd,
  type Evaluation,
  type FitOptions,
  type History,
  type LayerTensors,
  type LayerValues,
  type Matrix,
  type ModelSummary,
  type NetConfig,
  type Progress,
  type Targets,
} from '../index.js';
import { WorkerConnection, type WorkerEndpoint } from './connection.js';
import type { ModelCall, ModelReady, Request, WorkerBackend, WorkerModelOptions } from './protocol.js';

export type { WorkerEndpoint } from './connection.js';

export interface TrainingWorkerOptions {
  /** 'gpu' (default): the worker's WebGPU context (createContext() there); 'cpu': the reference backend. */
  backend?: WorkerBackend;
  /**
   * Milliseconds to wait for the worker's serveTraining() to answer before create/load reject
   * (default 10,000); building the model afterwards is not limited.
   */
  timeoutMs?: number;
}

/** 'training' while fit runs, 'paused' while it waits at an epoch boundary; 'disposed' after dispose() or terminate(). */
export type TrainingState = 'idle' | 'training' | 'paused' | 'disposed';

/** fit's options (FitOptions), plus what only a worker needs. */
export interface WorkerFitOptions extends FitOptions {
  /**
   * Move the typed arrays of x, y and validationData to the worker instead of copying them (default
   * false). Copying costs the page's thread time in proportion to the data (tens to hundreds of ms
   * for MNIST-sized sets); moving costs nothing, but leaves the page's arrays (their whole buffers)
   * detached, empty: keep no other use of them. Plain number arrays are copied either way.
   */
  transfer?: boolean;
}

/** The distinct ArrayBuffers under the typed arrays among `values` (rows of nested arrays included). */
function transferables(values: readonly unknown[]): Transferable[] {
  const buffers = new Set<ArrayBuffer>();
  const visit = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) buffers.add(v.buffer);
    } else if (Array.isArray(v) && typeof v[0] === 'object') v.forEach(visit); // rows, not numbers
  };
  values.forEach(visit);
  return [...buffers];
}

const WORKER_OPTION_KEYS = ['backend', 'timeoutMs'];
const DEFAULT_TIMEOUT_MS = 10_000;

/** Tells the TrainingWorkers of this page apart on a worker they share. */
let lastSession = 0;

/** The page's callbacks of the running fit, and the first error one of them threw. */
interface FitCallbacks {
  onProgress?: (p: Progress) => void;
  onEpochEnd?: FitOptions['onEpochEnd'];
  failed: { error: unknown } | null;
}

export class TrainingWorker {
  /** The worker's GPU, as ctx.adapter; null on the 'cpu' backend. */
  readonly adapter: AdapterDescription | null;
  /** The model's canonical config, as model.config. */
  readonly config: NetConfig;
  private current: TrainingState = 'idle';
  private callbacks: FitCallbacks | null = null;

  private constructor(
    private readonly worker: WorkerEndpoint,
    private readonly connection: WorkerConnection,
    ready: ModelReady,
  ) {
    this.adapter = ready.adapter;
    this.config = ready.config;
    connection.onEvent = (event) => {
      if (event.op === 'progress') this.progress(event.progress);
      else if (event.op === 'epochEnd') void this.epochEnd(event.info);
      else if (this.current === 'training' || this.current === 'paused') this.current = event.state;
    };
  }

  /** Builds a model in the worker: Sequential.create's options without `backend` (that goes in `options`). */
  static create(worker: Worker | WorkerEndpoint, modelOptions: WorkerModelOptions, options?: TrainingWorkerOptions | null): Promise<TrainingWorker> {
    if (modelOptions && typeof modelOptions === 'object' && 'backend' in modelOptions) {
      return Promise.reject(
        new ConfigError("the model options of TrainingWorker.create take no backend: give it as the third argument, { backend: 'gpu' | 'cpu' }"),
      );
    }
    return TrainingWorker.start(worker, options, (backend) => ({ op: 'create', options: modelOptions, backend }));
  }

  /** Loads a model.save() checkpoint (.safetensors bytes) in the worker, as Sequential.load. */
  static load(worker: Worker | WorkerEndpoint, bytes: Uint8Array, options?: TrainingWorkerOptions | null): Promise<TrainingWorker> {
    return TrainingWorker.start(worker, options, (backend) => ({ op: 'load', bytes, backend }));
  }

  private static async start(worker: Worker | WorkerEndpoint, given: TrainingWorkerOptions | null | undefined, request: (backend: WorkerBackend) => Request): Promise<TrainingWorker> {
    const { backend, timeoutMs } = workerOptions(given);
    const endpoint = worker as WorkerEndpoint;
    const connection = new WorkerConnection(endpoint, ++lastSession);
    try {
      await connection.handshake(timeoutMs);
      const ready = await connection.request<ModelReady>(request(backend));
      return new TrainingWorker(endpoint, connection, ready);
    } catch (error) {
      connection.close(null);
      throw error;
    }
  }

  get state(): TrainingState {
    return this.current;
  }

  /**
   * Trains in the worker, as model.fit. onProgress and onEpochEnd run here, on the page; while
   * onEpochEnd runs (and until its promise settles) the worker waits, and `false` stops fit after
   * that epoch. A callback that throws ends fit (after the running epoch) with its error.
   */
  async fit(x: Matrix, y: Targets, options?: WorkerFitOptions | null): Promise<History> {
    this.assertUsable();
    if (this.current !== 'idle') {
      throw new ConfigError('fit cannot be called while another fit runs on this TrainingWorker: await it (or stop() it), then call fit again');
    }
    if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) {
      throw new ConfigError(`fit options must be an object (or left out for the defaults), got ${Array.isArray(options) ? 'an array' : typeof options}`);
    }
    const { onProgress, onEpochEnd, transfer, ...wire }: WorkerFitOptions = options ?? {};
    for (const [name, f] of [['onProgress', onProgress], ['onEpochEnd', onEpochEnd]] as const) {
      if (f !== undefined && typeof f !== 'function') throw new ConfigError(`${name} must be a function, got ${typeof f}`);
    }
    if (transfer !== undefined && typeof transfer !== 'boolean') throw new ConfigError(`transfer must be true or false, got ${typeof transfer}`);
    const moved = transfer ? transferables([x, y, ...(wire.validationData ?? [])]) : [];
    const callbacks: FitCallbacks = { onProgress, onEpochEnd, failed: null };
    this.callbacks = callbacks;
    this.current = 'training';
    try {
      const history = await this.connection.request<History>({ op: 'fit', x, y, options: wire, progress: !!onProgress, epochEnd: !!onEpochEnd }, moved);
      if (callbacks.failed) throw callbacks.failed.error;
      return history;
    } catch (error) {
      throw callbacks.failed ? callbacks.failed.error : error;
    } finally {
      if (this.callbacks === callbacks) this.callbacks = null;
      if (this.state !== 'disposed') this.current = 'idle'; // (dispose() may have run meanwhile)
    }
  }

  /** fit waits at the end of the running epoch (state 'paused') until resume() or stop(); not after its last epoch. */
  pause(): void {
    if (this.current === 'training') this.connection.signal({ op: 'pause' });
  }

  /** The next epoch starts (or, before the pause took effect, it never happens). */
  resume(): void {
    if (this.current === 'training' || this.current === 'paused') this.connection.signal({ op: 'resume' });
  }

  /** fit ends after the running epoch (or at once when paused), resolving with history.stoppedEarly true. */
  stop(): void {
    if (this.current === 'training' || this.current === 'paused') this.connection.signal({ op: 'stop' });
  }

  /** While fit runs, this and the calls below are answered at the next epoch boundary. */
  predict(x: Matrix): Promise<Float32Array> {
    return this.call({ method: 'predict', args: [x] });
  }

  evaluate(x: Matrix, y: Targets): Promise<Evaluation> {
    return this.call({ method: 'evaluate', args: [x, y] });
  }

  getWeights(): Promise<(LayerTensors | null)[]> {
    return this.call({ method: 'getWeights', args: [] });
  }

  setWeights(layers: readonly (LayerValues | null)[]): Promise<void> {
    return this.call({ method: 'setWeights', args: [layers] });
  }

  /** The model and its training state as .safetensors bytes (model.save()); TrainingWorker.load or Sequential.load read them. */
  save(): Promise<Uint8Array> {
    return this.call({ method: 'save', args: [] });
  }

  /**
   * The trained network as ONNX bytes (model.toOnnx(), opset 17), made in the worker: the exporter's
   * chunk loads there, on the first call.
   */
  toOnnx(): Promise<Uint8Array> {
    return this.call({ method: 'toOnnx', args: [] });
  }

  summary(): Promise<ModelSummary> {
    return this.call({ method: 'summary', args: [] });
  }

  stats(): Promise<{ buffers: number; bytes: number }> {
    return this.call({ method: 'stats', args: [] });
  }

  /** Frees the model in the worker (a running fit rejects with DisposedError); the worker can serve a new one. */
  async dispose(): Promise<void> {
    if (this.current === 'disposed') return;
    this.current = 'disposed';
    try {
      await this.connection.request({ op: 'dispose' });
    } finally {
      this.connection.closeWhenIdle();
    }
  }

  /** dispose(), and the Worker itself is terminated; pending calls reject with DisposedError. */
  terminate(): void {
    if (this.current !== 'disposed') this.connection.request({ op: 'dispose' }).catch(() => {});
    this.current = 'disposed';
    this.connection.close(new DisposedError('the worker was terminated (TrainingWorker.terminate())'));
    this.worker.terminate?.();
  }

  private call<T>(call: ModelCall): Promise<T> {
    if (this.current === 'disposed') return Promise.reject(disposedError());
    return this.connection.request<T>({ op: 'call', ...call });
  }

  private assertUsable(): void {
    if (this.current === 'disposed') throw disposedError();
  }

  private progress(p: Progress): void {
    const callbacks = this.callbacks;
    if (!callbacks?.onProgress || callbacks.failed) return;
    try {
      callbacks.onProgress(p);
    } catch (error) {
      callbacks.failed = { error };
      this.connection.signal({ op: 'stop' });
    }
  }

  /** Runs the page's onEpochEnd and sends its answer: the worker waits for it. */
  private async epochEnd(info: EpochEnd): Promise<void> {
    const callbacks = this.callbacks;
    let goOn = true;
    try {
      if (callbacks?.onEpochEnd && !callbacks.failed) goOn = (await callbacks.onEpochEnd(info)) !== false;
    } catch (error) {
      if (callbacks) callbacks.failed ??= { error };
    }
    if (callbacks?.failed) goOn = false;
    if (this.current !== 'disposed') this.connection.signal({ op: 'epochEndAnswer', goOn });
  }
}

function disposedError(): DisposedError {
  return new DisposedError('this TrainingWorker was disposed; make a new one with TrainingWorker.create or TrainingWorker.load');
}

/** The create/load options checked, with their defaults. */
function workerOptions(given: TrainingWorkerOptions | null | undefined): { backend: WorkerBackend; timeoutMs: number } {
  if (given !== undefined && given !== null && (typeof given !== 'object' || Array.isArray(given))) {
    throw new ConfigError(`TrainingWorker options must be an object ({ backend, timeoutMs }), got ${typeof given}`);
  }
  const options = given ?? {};
  const unknown = Object.keys(options).find((key) => !WORKER_OPTION_KEYS.includes(key));
  if (unknown !== undefined) throw new ConfigError(`TrainingWorker options: unknown option ${JSON.stringify(unknown)} (known: ${WORKER_OPTION_KEYS.join(', ')})`);
  const backend = options.backend ?? 'gpu';
  if (backend !== 'gpu' && backend !== 'cpu') {
    throw new ConfigError(
      `TrainingWorker backend must be 'gpu' or 'cpu', got ${typeof backend === 'object' ? 'an object' : JSON.stringify(backend)}: ` +
        'a GpuContext cannot be sent to a worker, which makes its own',
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) throw new ConfigError(`TrainingWorker timeoutMs must be a number of milliseconds > 0, got ${JSON.stringify(timeoutMs)}`);
  return { backend, timeoutMs };
}

// The worker client: the page's model lives in a module Worker (train-worker.ts, which runs the
// library's serveTraining()) and is driven from here through the library's TrainingWorker. Training,
// validation, prediction and checkpoints all run in the worker, on its own WebGPU context (or the
// CPU backend); the page gets progress reports and epoch ends as messages. One worker serves all the
// page's models (one TrainingWorker each), so they share its GPU context. Calls made while fit runs
// (predict, evaluate, save) are answered at the next epoch boundary, at once while paused or idle.
import type { Activation, AdapterDescription, EpochEnd, Evaluation, FitOptions, History, Matrix, Targets } from '../src/index';
import { TrainingWorker, type WorkerModelOptions } from '../src/worker';

export type Backend = 'gpu' | 'cpu';

let worker: Worker | null = null;

/** The page's training worker, started on first use (and again after it failed). */
function trainingWorker(): Worker {
  if (!worker) {
    const w = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module', name: 'webgpu-train demo' });
    w.addEventListener('error', () => {
      if (worker === w) worker = null; // the next model starts a new one
    });
    worker = w;
  }
  return worker;
}

/** The checkpoint's epochs and steps trained, from its safetensors header (a file Sequential.load accepted). */
function checkpointProgress(bytes: Uint8Array): { epochs: number; steps: number } {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as { __metadata__?: Record<string, string> };
  return { epochs: Number(header.__metadata__?.epochs ?? 0), steps: Number(header.__metadata__?.steps ?? 0) };
}

export class DemoModel {
  private epochs: number;
  private steps: number;

  private constructor(
    private readonly trainer: TrainingWorker,
    progress: { epochs: number; steps: number },
  ) {
    this.epochs = progress.epochs;
    this.steps = progress.steps;
  }

  /**
   * Opens WebGPU in the worker and says which adapter it got (WebGPUUnavailableError when there is
   * none). TrainingWorker tells the adapter of a model, so this builds a one-unit model there and
   * frees it; the worker keeps the context for the page's models.
   */
  static async probe(): Promise<AdapterDescription> {
    const probe = await TrainingWorker.create(trainingWorker(), { inputSize: 1, layers: [{ units: 1, activation: 'linear' }], loss: 'mse' }, { backend: 'gpu' });
    void probe.dispose().catch(() => {});
    return probe.adapter!;
  }

  static async create(options: WorkerModelOptions, backend: Backend): Promise<DemoModel> {
    return new DemoModel(await TrainingWorker.create(trainingWorker(), options, { backend }), { epochs: 0, steps: 0 });
  }

  static async load(bytes: Uint8Array, backend: Backend): Promise<DemoModel> {
    const trainer = await TrainingWorker.load(trainingWorker(), bytes, { backend });
    return new DemoModel(trainer, checkpointProgress(bytes));
  }

  get config() {
    return this.trainer.config;
  }

  /** The worker's GPU, null on the CPU backend. */
  get adapter(): AdapterDescription | null {
    return this.trainer.adapter;
  }

  get backend(): Backend {
    return this.adapter ? 'gpu' : 'cpu';
  }

  /** The activation of the output layer: how predict's outputs become probabilities. */
  get output(): Activation {
    const last = this.config.layers[this.config.layers.length - 1];
    return 'activation' in last ? last.activation : 'linear';
  }

  /** Epochs and optimizer steps trained so far (a loaded checkpoint's included), counted at epoch ends. */
  get progress(): { epochs: number; steps: number } {
    return { epochs: this.epochs, steps: this.steps };
  }

  /** One fit call in the worker; pause() holds it at the next epoch boundary, stop() ends it there. */
  fit(x: Matrix, y: Targets, options: FitOptions): Promise<History> {
    let steps = 0;
    return this.trainer.fit(x, y, {
      ...options,
      onProgress: (p) => {
        steps = p.steps;
        options.onProgress?.(p);
      },
      onEpochEnd: (info: EpochEnd) => {
        this.epochs++;
        this.steps += steps;
        return options.onEpochEnd?.(info);
      },
    });
  }

  pause(): void {
    this.trainer.pause();
  }

  resume(): void {
    this.trainer.resume();
  }

  stop(): void {
    this.trainer.stop();
  }

  predict(x: Matrix): Promise<Float32Array> {
    return this.trainer.predict(x);
  }

  evaluate(x: Matrix, y: Targets): Promise<Evaluation> {
    return this.trainer.evaluate(x, y);
  }

  save(): Promise<Uint8Array> {
    return this.trainer.save();
  }

  /** Frees the model in the worker (the worker stays, for the next model). */
  dispose(): void {
    void this.trainer.dispose().catch(() => {});
  }
}

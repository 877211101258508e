// The page's model: builds or loads a Sequential and runs one fit call per training run, with
// pause, resume and stop at epoch boundaries. (This step: on the page's own thread; the GPU context
// is shared by the page's models.)
import {
  createContext,
  Sequential,
  type Activation,
  type AdapterDescription,
  type EpochEnd,
  type FitOptions,
  type GpuContext,
  type History,
  type Matrix,
  type NetConfig,
  type Targets,
} from '../src/index';

export type Backend = 'gpu' | 'cpu';

let gpu: Promise<GpuContext> | null = null;

/** The page's GPU context, made on first use (and again after a device loss). */
function gpuContext(): Promise<GpuContext> {
  gpu ??= createContext().then(
    (ctx) => {
      ctx.device.lost.then(() => (gpu = null));
      return ctx;
    },
    (e: unknown) => {
      gpu = null;
      throw e;
    },
  );
  return gpu;
}

async function backendOf(backend: Backend): Promise<GpuContext | 'cpu'> {
  return backend === 'cpu' ? 'cpu' : gpuContext();
}

export class DemoModel {
  private pauseRequested = false;
  private stopRequested = false;
  private wake: (() => void) | null = null;

  private constructor(
    private readonly model: Sequential,
    /** The GPU in use, null on the CPU backend. */
    readonly adapter: AdapterDescription | null,
  ) {}

  /** Finds the GPU (WebGPUUnavailableError when there is none) and says which adapter it is. */
  static async probe(): Promise<AdapterDescription> {
    return (await gpuContext()).adapter;
  }

  static async create(options: Omit<Parameters<typeof Sequential.create>[0], 'backend'>, backend: Backend): Promise<DemoModel> {
    const b = await backendOf(backend);
    return new DemoModel(await Sequential.create({ ...options, backend: b }), b === 'cpu' ? null : b.adapter);
  }

  static async load(bytes: Uint8Array, backend: Backend): Promise<DemoModel> {
    const b = await backendOf(backend);
    return new DemoModel(await Sequential.load(bytes, { backend: b }), b === 'cpu' ? null : b.adapter);
  }

  get config(): NetConfig {
    return this.model.config;
  }

  get backend(): Backend {
    return this.adapter ? 'gpu' : 'cpu';
  }

  /** The activation of the output layer: how predict's outputs become probabilities. */
  get output(): Activation {
    const last = this.config.layers[this.config.layers.length - 1];
    return 'activation' in last ? last.activation : 'linear';
  }

  /** Epochs and optimizer steps trained so far (a loaded checkpoint's included). */
  get progress(): { epochs: number; steps: number } {
    return this.model.progress;
  }

  /** One fit call; pause() holds it at the next epoch boundary, stop() ends it there. */
  fit(x: Matrix, y: Targets, options: FitOptions): Promise<History> {
    this.pauseRequested = this.stopRequested = false;
    return this.model.fit(x, y, {
      ...options,
      onEpochEnd: async (info: EpochEnd) => {
        const answer = await options.onEpochEnd?.(info);
        while (this.pauseRequested && !this.stopRequested && info.epoch < info.epochs) await new Promise<void>((resolve) => (this.wake = resolve));
        return answer !== false && !this.stopRequested;
      },
    });
  }

  pause(): void {
    this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
    this.wake?.();
  }

  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }

  predict(x: Matrix): Promise<Float32Array> {
    return this.model.predict(x);
  }

  evaluate(x: Matrix, y: Targets) {
    return this.model.evaluate(x, y);
  }

  save(): Promise<Uint8Array> {
    return this.model.save();
  }

  dispose(): void {
    this.model.dispose();
  }
}

// The device layer: it imports nothing from the kernels, the tuning, the model or the training
// code. A ready context (quad probe, matmul core, autotune) comes from createContext in
// src/tuning/create_context.ts, which opens the device here with GpuContext.open.
import { DeviceLostError, GPUValidationError, LimitError, WebGPUUnavailableError } from '../errors.js';
import { DEFAULT_MATMUL, type MatmulConfig, type MatmulCore, type TuneResult } from './matmul_choice.js';
import { BufferUsage } from './flags.js';
import { diagnoseNodeAdapter, nodeProbe } from './node_setup.js';

/** The keys createContext accepts (it rejects any other as a likely typo). */
export const CONTEXT_OPTION_KEYS = ['gpu', 'device', 'powerPreference', 'matmulCore', 'autotune', 'pacedWaits'] as const;

export interface ContextOptions {
  /** A GPU object: `navigator.gpu` in a browser (the default), `create([])` from `webgpu` in Node. */
  gpu?: GPU;
  /**
   * Use this device instead of requesting one (the caller keeps ownership of it). In Node, also pass
   * the `gpu` it came from, so that it stays alive as long as the context.
   */
  device?: GPUDevice;
  powerPreference?: GPUPowerPreference;
  /**
   * Force a matrix-product core: 'shared' (64×64 workgroup-memory tiles) or 'tiled' (128×128) for
   * GPUs; 'register' (16×16 blocks per invocation) or 'quad' (the same, rows shared within a quad;
   * needs subgroups) for CPU implementations. Default: on a software adapter 'quad' where the
   * device's quads pass the probe, else 'register'; on a GPU 'shared', or the autotune's choice.
   */
  matmulCore?: MatmulCore;
  /**
   * Time the matmul configurations on this adapter at start-up and keep the fastest (cached per
   * adapter: in memory, and in localStorage in a browser). Ignored when matmulCore is given.
   * Default: on for GPUs (the trials take a fraction of a second there); off for software adapters
   * such as SwiftShader, where compiling the candidates takes seconds (about 2.4 s measured) and the
   * default, the register core with 4×4 workgroups, is what the trials pick within their noise.
   */
  autotune?: boolean;
  /**
   * Sleep until submitted training steps (and inference batches) are predicted to finish before
   * asking for their results, instead of asking at once. Default: on in Node with a software
   * adapter, where the `webgpu` package (Dawn) polls the device in a busy loop while a result is
   * pending and so takes a core from the shaders (measured on 2 cores with SwiftShader: MLP S at
   * 38–40 ms/step paced against 60–61 asked at once). Off in browsers, which wait without polling
   * (and throttle timers in background tabs), and on GPUs, where the polling costs a CPU core but
   * not GPU time, and where a timer that wakes late could add latency (not yet measured there:
   * bench/paced-waits.ts).
   */
  pacedWaits?: boolean;
}

/** What the adapter says about itself, for showing the user which GPU trains. */
export interface AdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (SwiftShader, WARP): correct but slow. */
  isFallbackAdapter: boolean;
}

export interface GpuStats {
  buffers: number;
  bytes: number;
}

const NO_WEBGPU_HELP =
  'In a browser, use a WebGPU-capable one (Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu; ' +
  'Firefox 141+ on Windows; Safari 26+) on a page served over https or localhost. In Node, install the ' +
  "`webgpu` package and pass its GPU: `import { create } from 'webgpu'; createContext({ gpu: create([]) })`.";

/**
 * One WebGPU device and everything the library creates on it: tracked buffers (for stats() and
 * leak checks), cached bind group layouts and pipelines, and the device's errors and loss.
 */
export class GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterDescription;
  /**
   * True when the 'quad' matmul core can run here: the device has subgroups and its quads are four
   * consecutive invocations (checked by createContext with a probe kernel: src/tuning/quad_probe.ts).
   */
  quads = false;
  /** What the start-up autotune timed and chose (null when it did not run). */
  tuning: TuneResult | null = null;
  /** The matrix-product core and workgroup side every matmul kernel of this context compiles with. */
  matmul: MatmulConfig;
  /**
   * Most workgroups a grid-stride kernel (element-wise, optimizer, gather) is given: enough to fill
   * a GPU; on a CPU adapter a few busy workgroups, since each one costs a routine call.
   */
  gridWorkgroups: number;
  /** Whether training and inference sleep through the predicted time of their submits (ContextOptions.pacedWaits). */
  pacedWaits: boolean;
  private readonly buffers = new Map<GPUBuffer, number>();
  private readonly cache = new Map<string, unknown>();
  private uncaptured: string[] = [];
  private lostInfo: { reason: string; message: string } | null = null;
  /**
   * Held so it is not garbage-collected: Dawn in Node tears its instance down when the GPU object is
   * collected, and a device still in use then crashes the process (a pthread mutex assertion).
   */
  private readonly gpu: GPU | undefined;

  private constructor(device: GPUDevice, adapter: AdapterDescription, gpu: GPU | undefined, matmulCore: MatmulCore | undefined) {
    this.device = device;
    this.adapter = adapter;
    this.matmul = DEFAULT_MATMUL[matmulCore ?? defaultMatmulCore(adapter, false)];
    this.gridWorkgroups = isSoftwareAdapter(adapter) ? 16 : 4096;
    this.pacedWaits = runningInNode() && isSoftwareAdapter(adapter);
    this.gpu = gpu;
    device.addEventListener?.('uncapturederror', (event: Event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      this.uncaptured.push(error?.message ?? String(error));
    });
    device.lost.then((info) => {
      this.lostInfo = { reason: info.reason, message: info.message };
    });
  }

  /**
   * Opens the device (options.device, or one requested from options.gpu / navigator.gpu) and wraps
   * it, with matmulCore and pacedWaits applied; nothing more: no quad probe (quads stays false) and
   * no autotune. This is the low-level opener that createContext builds on; use createContext for a
   * ready context. The options are taken as given (createContext checks their keys).
   */
  static async open(options: ContextOptions = {}): Promise<GpuContext> {
    const ctx = await GpuContext.openDevice(options);
    if (options.pacedWaits !== undefined) ctx.pacedWaits = options.pacedWaits;
    return ctx;
  }

  private static async openDevice(options: ContextOptions): Promise<GpuContext> {
    if (options.device) {
      const ctx = new GpuContext(options.device, describeAdapter(undefined, options.device), options.gpu, options.matmulCore);
      ctx.ownsDevice = false;
      return ctx;
    }
    const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) throw new WebGPUUnavailableError(`WebGPU is not available here. ${NO_WEBGPU_HELP}`);
    const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
    if (!adapter) {
      // In Node the GPU object came from the `webgpu` package, so the cause is Dawn's driver setup.
      const probe = runningInNode() ? nodeProbe() : null;
      throw new WebGPUUnavailableError(
        probe
          ? `WebGPU is present but no GPU adapter was found. ${diagnoseNodeAdapter(probe)}`
          : `WebGPU is present but no GPU adapter was found (blocklisted GPU or missing driver). ${NO_WEBGPU_HELP}`,
      );
    }
    // Ask for the adapter's own buffer limits: the defaults (128 MiB bindings) cap model size.
    const device = await adapter.requestDevice({
      // Subgroups, when there are any, for the 'quad' matmul core.
      requiredFeatures: adapter.features.has('subgroups') ? ['subgroups' as GPUFeatureName] : [],
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
      },
    });
    return new GpuContext(device, describeAdapter(adapter, device), gpu, options.matmulCore);
  }

  /** Throws DeviceLostError if the device is gone, GPUValidationError if errors went uncaptured. */
  assertHealthy(): void {
    this.assertNotLost();
    if (this.uncaptured.length) {
      const messages = this.uncaptured.splice(0);
      throw new GPUValidationError(`WebGPU reported: ${messages.join(' | ')}`);
    }
  }

  /** Throws DeviceLostError if the device is gone (known once its `lost` promise has resolved). */
  assertNotLost(): void {
    if (this.lostInfo) {
      throw new DeviceLostError(
        `the GPU device was lost (${this.lostInfo.reason || 'unknown reason'}: ${this.lostInfo.message}). ` +
          'Create a new context and model; weights read before the loss are still valid.',
        this.lostInfo.reason,
      );
    }
  }

  get matmulCore(): MatmulCore {
    return this.matmul.core;
  }

  get isLost(): boolean {
    return this.lostInfo !== null;
  }

  createBuffer(label: string, size: number, usage: number): GPUBuffer {
    const bytes = Math.max(16, Math.ceil(size / 16) * 16);
    const limits = this.device.limits;
    if (bytes > limits.maxBufferSize) {
      throw new LimitError(
        `${label} needs a ${bytes}-byte buffer, more than this device's maxBufferSize (${limits.maxBufferSize} bytes); use a smaller model, batch or dataset`,
      );
    }
    if (usage & BufferUsage.STORAGE && bytes > limits.maxStorageBufferBindingSize) {
      throw new LimitError(
        `${label} needs a ${bytes}-byte storage buffer, more than this device's maxStorageBufferBindingSize (${limits.maxStorageBufferBindingSize} bytes); use a smaller model, batch or dataset`,
      );
    }
    const buffer = this.device.createBuffer({ label, size: bytes, usage });
    this.buffers.set(buffer, bytes);
    return buffer;
  }

  /** A storage buffer holding `data`, uploaded once. */
  createStorage(label: string, data: Float32Array | Uint32Array, extraUsage = 0): GPUBuffer {
    const buffer = this.createBuffer(label, data.byteLength, BufferUsage.STORAGE | BufferUsage.COPY_DST | extraUsage);
    this.write(buffer, 0, data);
    return buffer;
  }

  /** Queues a write of `data` into `buffer` at a byte offset (ordered with submits, no stall). */
  write(buffer: GPUBuffer, offset: number, data: Float32Array | Uint32Array | Uint8Array | ArrayBuffer): void {
    if (data instanceof ArrayBuffer) this.device.queue.writeBuffer(buffer, offset, data);
    else this.device.queue.writeBuffer(buffer, offset, data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
  }

  /** True for a buffer this context created and has not destroyed (destroyBuffer, destroyAll). */
  tracks(buffer: GPUBuffer): boolean {
    return this.buffers.has(buffer);
  }

  destroyBuffer(buffer: GPUBuffer): void {
    if (this.buffers.delete(buffer)) buffer.destroy();
  }

  stats(): GpuStats {
    let bytes = 0;
    for (const size of this.buffers.values()) bytes += size;
    return { buffers: this.buffers.size, bytes };
  }

  /** Memoises device objects (layouts, pipelines) by a key that names everything they depend on. */
  cached<T>(key: string, make: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, make());
    return this.cache.get(key) as T;
  }

  /**
   * Copies a buffer range to the CPU without blocking the queue (a staging buffer per call). The
   * copy is checked: a copy the GPU refused (a destroyed buffer, say) rejects with
   * GPUValidationError instead of returning the staging buffer's zeros.
   */
  async read(source: GPUBuffer, offset: number, byteLength: number): Promise<Float32Array> {
    const size = Math.ceil(byteLength / 4) * 4;
    const staging = this.createBuffer('readback', size, BufferUsage.MAP_READ | BufferUsage.COPY_DST);
    try {
      const encoder = this.device.createCommandEncoder();
      encoder.copyBufferToBuffer(source, offset, staging, 0, size);
      const copied = this.submit(`reading ${source.label || 'a buffer'} back`, encoder);
      // Both settle before the staging buffer goes (a map still pending would reject unhandled).
      const [copy, map] = await Promise.allSettled([copied, this.mapRead(staging)]);
      if (copy.status === 'rejected') throw copy.reason;
      if (map.status === 'rejected') throw map.reason;
      const out = new Float32Array(staging.getMappedRange(0, size).slice(0));
      staging.unmap();
      return out.subarray(0, byteLength / 4);
    } finally {
      this.destroyBuffer(staging);
    }
  }

  /**
   * Submits the encoders' commands inside validation and out-of-memory error scopes. The promise
   * rejects with GPUValidationError (DeviceLostError on a lost device) when the GPU refused them, so
   * that work which never ran is not taken for done; it costs no wait beyond the scopes' answer.
   */
  submit(what: string, ...encoders: GPUCommandEncoder[]): Promise<void> {
    const device = this.device;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    let failure: { error: unknown } | null = null;
    try {
      device.queue.submit(encoders.map((e) => e.finish()));
    } catch (error) {
      failure = { error };
    }
    const popped = Promise.all([device.popErrorScope(), device.popErrorScope()]);
    if (failure) {
      popped.catch(() => {});
      throw failure.error;
    }
    return popped.then(
      ([validation, memory]) => {
        const error = validation ?? memory;
        if (error) throw new GPUValidationError(`${what}: WebGPU reported: ${error.message} (nothing was read or written; see the message)`);
      },
      (error: unknown) => {
        this.assertNotLost();
        throw new GPUValidationError(`${what}: WebGPU error scopes failed (${String(error)})`);
      },
    );
  }

  /** mapAsync for reading, turning a device loss into DeviceLostError. */
  async mapRead(buffer: GPUBuffer, offset?: number, size?: number): Promise<void> {
    try {
      await buffer.mapAsync(1 /* GPUMapMode.READ */, offset, size);
    } catch (error) {
      // A lost device rejects pending maps; give its lost promise a moment to report why.
      await Promise.race([this.device.lost, new Promise((resolve) => setTimeout(resolve, 200))]);
      this.assertHealthy();
      throw error;
    }
  }

  /** Runs `work` inside validation and out-of-memory error scopes; throws if either caught one. */
  async checked<T>(what: string, work: () => T | Promise<T>): Promise<T> {
    this.assertHealthy();
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    let result: T;
    try {
      result = await work();
    } finally {
      const validation = await this.device.popErrorScope();
      const memory = await this.device.popErrorScope();
      const error = validation ?? memory;
      if (error) throw new GPUValidationError(`${what}: WebGPU reported: ${error.message}`);
    }
    this.assertHealthy();
    return result;
  }

  /** Frees every buffer this context created (the device itself stays usable). */
  destroyAll(): void {
    for (const buffer of this.buffers.keys()) buffer.destroy();
    this.buffers.clear();
  }

  /**
   * Releases the context: frees every buffer it created and destroys the device it requested (a
   * device passed as `options.device` stays the caller's and is left alive). Models built on it
   * cannot be used afterwards (their calls throw); create a new context for more work.
   */
  destroy(): void {
    this.destroyAll();
    this.cache.clear();
    if (this.ownsDevice) this.device.destroy();
  }

  /** False when the device came from options.device: the caller owns it, destroy() leaves it alive. */
  private ownsDevice = true;
}

function describeAdapter(adapter: GPUAdapter | undefined, device: GPUDevice): AdapterDescription {
  const info = (adapter?.info ?? (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo) as
    | (GPUAdapterInfo & { isFallbackAdapter?: boolean })
    | undefined;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    isFallbackAdapter: Boolean(
      info?.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter,
    ),
  };
}

/** Node.js (not a browser, nor a bundle of Node code running in one). */
function runningInNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: unknown } }; window?: unknown };
  return typeof g.process?.versions?.node === 'string' && g.window === undefined;
}

/** A CPU implementation of WebGPU (SwiftShader, WARP). */
export function isSoftwareAdapter(adapter: AdapterDescription): boolean {
  return adapter.isFallbackAdapter || adapter.architecture === 'swiftshader';
}

/**
 * Without an autotune: on software adapters the quad core where quads work (else the register
 * core), the shared core on GPUs.
 */
export function defaultMatmulCore(adapter: AdapterDescription, quads: boolean): MatmulCore {
  if (!isSoftwareAdapter(adapter)) return 'shared';
  return quads ? 'quad' : 'register';
}

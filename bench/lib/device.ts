// One Dawn instance for the whole benchmark process: this library's device and TF.js's device are
// both requested from it, so both engines run on the same adapter in the same process.
import { create } from 'webgpu';
import { createContext, type GpuContext } from '../../src/index';
import type { MatmulCore } from '../../src/kernels/sources';

export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  /** Adapter features that matter here. */
  timestampQuery: boolean;
  subgroups: boolean;
  shaderF16: boolean;
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface BenchGpu {
  gpu: GPU;
  ctx: GpuContext;
  adapter: AdapterReport;
  /** True when this library's device was created with 'timestamp-query'. */
  timestamps: boolean;
}

/**
 * Dawn rounds timestamp queries (to ~65 µs, measured here) unless told not to; the per-kernel times
 * of small matmuls need the full resolution. Nothing else differs from `create([])`.
 */
export const DAWN_OPTIONS = ['disable-dawn-features=timestamp_quantization'];

// Held for the life of the process: Dawn tears its instance down when the GPU object is collected.
let held: GPU | null = null;

/** `core`: force this library's matrix-product core ('shared' or 'register'); default: the context's choice for the adapter. */
export async function openGpu(core?: MatmulCore): Promise<BenchGpu> {
  const gpu = (held ??= create(DAWN_OPTIONS));
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error('no WebGPU adapter: run through `npm run bench` (scripts/webgpu-env.sh points Vulkan at a driver)');
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const timestamps = adapter.features.has('timestamp-query');
  // Same limits as createContext() asks for, plus timestamp queries for per-kernel GPU times.
  const device = await adapter.requestDevice({
    // Same features as createContext() asks for (subgroups, for the quad matmul core), plus timestamps.
    requiredFeatures: [...(timestamps ? ['timestamp-query'] : []), ...(adapter.features.has('subgroups') ? ['subgroups'] : [])] as GPUFeatureName[],
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const ctx = await createContext({ device, gpu, matmulCore: core });
  return {
    gpu,
    ctx,
    timestamps,
    adapter: {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      isFallbackAdapter: Boolean(info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter),
      timestampQuery: timestamps,
      subgroups: adapter.features.has('subgroups'),
      shaderF16: adapter.features.has('shader-f16'),
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  };
}

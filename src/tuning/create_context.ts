// A ready context: the device opened by the device layer (GpuContext.open), then the quad probe,
// the matmul core and, where asked or by default on GPUs, the start-up autotune. It lives above
// src/gpu/ (which knows nothing of kernels or tuning) and src/kernels/ (which the probe and the
// autotune run).
import { ConfigError } from '../errors.js';
import { CONTEXT_OPTION_KEYS, GpuContext, defaultMatmulCore, isSoftwareAdapter, type ContextOptions } from '../gpu/context.js';
import { DEFAULT_MATMUL } from '../gpu/matmul_choice.js';
import { checkedOptions } from '../options.js';
import { autotune } from './autotune.js';
import { quadLanesInOrder } from './quad_probe.js';

/** Acquires a WebGPU device: navigator.gpu in a browser, or `{ gpu: create([]) }` from `webgpu` in Node. */
export async function createContext(given?: ContextOptions | null): Promise<GpuContext> {
  const options = checkedOptions<ContextOptions>('createContext options', given, CONTEXT_OPTION_KEYS);
  const ctx = await GpuContext.open(options);
  ctx.quads = await quadLanesInOrder(ctx);
  if (options.matmulCore === 'quad' && !ctx.quads) {
    ctx.destroy(); // frees a device it requested (a given options.device stays alive)
    throw new ConfigError(
      "matmulCore 'quad' needs the WebGPU 'subgroups' feature with quads of four consecutive invocations, which this device lacks; use 'register' or 'shared'",
    );
  }
  if (!options.matmulCore) {
    ctx.matmul = DEFAULT_MATMUL[defaultMatmulCore(ctx.adapter, ctx.quads)];
    if (options.autotune ?? !isSoftwareAdapter(ctx.adapter)) ctx.tuning = await autotune(ctx, isSoftwareAdapter(ctx.adapter));
  }
  return ctx;
}

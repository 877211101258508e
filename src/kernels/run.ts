import type { GpuContext } from '../gpu/context.js';
import { BufferUsage } from '../gpu/flags.js';
import { matmulConfig } from './sources.js';
import { createBindGroup, createUniform, encode, hasStepBinding, kernelInfo, pipeline, type Constants } from './kernel.js';
import type { KernelName, MatmulConfig, MatmulCore } from './sources.js';

export interface KernelRun {
  /** Override constants (ACTIVATION, TRANS_A, ...). */
  constants?: Constants;
  /** Values of each uniform struct, by binding name (`params`, `step`). */
  uniforms: Record<string, Record<string, number>>;
  /** Storage buffers uploaded before the run, by binding name; read_write ones are read back. */
  buffers: Record<string, Float32Array | Uint32Array>;
  workgroups: [number, number, number];
  /** For matmul kernels: the core (and workgroup side) to compile (default: the context's). */
  matmulCore?: MatmulCore | MatmulConfig;
}

/**
 * Runs one kernel once on fresh buffers and returns every writable storage buffer's contents.
 * For tests and for checking a kernel against the CPU reference; training records kernels instead.
 */
export async function runKernel(ctx: GpuContext, name: KernelName, run: KernelRun): Promise<Record<string, Float32Array>> {
  const matmul = matmulConfig(run.matmulCore ?? ctx.matmul);
  const info = kernelInfo(name, matmul.core);
  const created: GPUBuffer[] = [];
  try {
    const resources: Record<string, GPUBuffer> = {};
    for (const b of info.layout.bindings) {
      if (b.kind === 'uniform') {
        resources[b.name] = createUniform(ctx, name, b.name, run.uniforms[b.name] ?? {});
      } else {
        const data = run.buffers[b.name];
        if (!data) throw new Error(`runKernel ${name}: no data for binding ${b.name}`);
        resources[b.name] = ctx.createStorage(`${name}.${b.name}`, data, BufferUsage.COPY_SRC);
      }
      created.push(resources[b.name]);
    }
    const pipe = await pipeline(ctx, name, run.constants, matmul);
    const outputs = info.layout.bindings.filter((b) => b.kind === 'storage');
    return await ctx.checked(`kernel ${name}`, async () => {
      const encoder = ctx.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      const bindGroup = createBindGroup(ctx, name, resources);
      encode(pass, [{ pipeline: pipe, bindGroup, workgroups: run.workgroups, perStep: hasStepBinding(name) }]);
      pass.end();
      ctx.device.queue.submit([encoder.finish()]);
      const result: Record<string, Float32Array> = {};
      for (const b of outputs) {
        result[b.name] = await ctx.read(resources[b.name], 0, run.buffers[b.name].byteLength);
      }
      return result;
    });
  } finally {
    for (const buffer of created) ctx.destroyBuffer(buffer);
  }
}

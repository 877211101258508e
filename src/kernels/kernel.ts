import { ShapeError } from '../errors.js';
import type { GpuContext } from '../gpu/context.js';
import { BufferUsage, ShaderStage } from '../gpu/flags.js';
import { packUniform, shaderLayout, type BindingInfo, type ShaderLayout } from './reflect.js';
import { kernelSource, matmulConfig, usesMatmul, type KernelName, type MatmulConfig, type MatmulCore } from './sources.js';

/** A buffer, or a range of one (a layer's weights inside the model's parameter buffer). */
export type Resource = GPUBuffer | { buffer: GPUBuffer; offset?: number; size?: number };

/**
 * Uniform bindings named `step` carry per-step values (batch start, loss slot): one 256-byte slot
 * per step in one buffer, chosen with a dynamic offset when the step is recorded.
 */
export const STEP_BINDING = 'step';
export const STEP_STRIDE = 256;

export interface KernelInfo {
  name: KernelName;
  code: string;
  layout: ShaderLayout;
}

const infos = new Map<string, KernelInfo>();

/**
 * A kernel's WGSL (with the given matmul core where it has one) and its layout (src/kernels/reflected.ts,
 * generated from the WGSL by `npm run reflect`), composed once per process. Bindings do not depend on
 * the core; overrides do.
 */
export function kernelInfo(name: KernelName, core: MatmulCore = 'shared'): KernelInfo {
  const key = usesMatmul(name) ? `${name}:${core}` : name;
  let info = infos.get(key);
  if (!info) {
    const code = kernelSource(name, core);
    info = { name, code, layout: shaderLayout(name, core) };
    infos.set(key, info);
  }
  return info;
}

function binding(info: KernelInfo, name: string): BindingInfo {
  const found = info.layout.bindings.find((b) => b.name === name);
  if (!found) throw new ShapeError(`kernel ${info.name} has no binding named ${name}`);
  return found;
}

function bindGroupLayout(ctx: GpuContext, info: KernelInfo): GPUBindGroupLayout {
  return ctx.cached(`layout:${info.name}`, () =>
    ctx.device.createBindGroupLayout({
      label: info.name,
      entries: info.layout.bindings.map((b) => ({
        binding: b.binding,
        visibility: ShaderStage.COMPUTE,
        buffer: { type: b.kind, hasDynamicOffset: b.name === STEP_BINDING },
      })),
    }),
  );
}

export type Constants = Record<string, number | boolean>;

/**
 * The compiled pipeline for a kernel and override constants (for matmul kernels, those of
 * matmulLaunch), with the context's matmul core unless another is named; compiled once per context.
 */
export function pipeline(
  ctx: GpuContext,
  name: KernelName,
  constants: Constants = {},
  matmul: MatmulConfig | MatmulCore = ctx.matmul,
): Promise<GPUComputePipeline> {
  const config = matmulConfig(matmul);
  const info = kernelInfo(name, config.core);
  const unknown = Object.keys(constants).filter((c) => !info.layout.overrides.includes(c));
  if (unknown.length) throw new ShapeError(`kernel ${name} has no override constant ${unknown.join(', ')}`);
  const values: Record<string, number> = {};
  // Sorted, so the same constants given in another order find the same pipeline (no second compile).
  for (const k of Object.keys(constants).sort()) {
    const v = constants[k];
    values[k] = typeof v === 'boolean' ? Number(v) : v;
  }
  const variant = usesMatmul(name) ? `${name}:${config.core}` : name;
  const key = `pipeline:${variant}:${JSON.stringify(values)}`;
  return ctx.cached(key, () => {
    const module = ctx.cached(`module:${variant}`, () => ctx.device.createShaderModule({ label: variant, code: info.code }));
    return ctx.device.createComputePipelineAsync({
      label: name,
      layout: ctx.device.createPipelineLayout({ bindGroupLayouts: [bindGroupLayout(ctx, info)] }),
      compute: { module, entryPoint: 'main', constants: values },
    });
  });
}

/** A uniform buffer holding one struct of a kernel, packed at the offsets its WGSL declares. */
export function createUniform(ctx: GpuContext, name: KernelName, bindingName: string, values: Record<string, number>): GPUBuffer {
  const bytes = packStruct(name, bindingName, values);
  const buffer = ctx.createBuffer(`${name}.${bindingName}`, bytes.byteLength, BufferUsage.UNIFORM | BufferUsage.COPY_DST);
  ctx.device.queue.writeBuffer(buffer, 0, bytes);
  return buffer;
}

/** Bytes of one uniform struct of a kernel (to rewrite a uniform buffer or fill a step slot). */
export function packStruct(name: KernelName, bindingName: string, values: Record<string, number>): ArrayBuffer {
  return packUniform(name, binding(kernelInfo(name), bindingName), values);
}

/** A bind group for a kernel; every binding its WGSL declares must be given, by name. */
export function createBindGroup(ctx: GpuContext, name: KernelName, resources: Record<string, Resource>): GPUBindGroup {
  const info = kernelInfo(name);
  const declared = info.layout.bindings.map((b) => b.name);
  const missing = declared.filter((d) => !(d in resources));
  const extra = Object.keys(resources).filter((r) => !declared.includes(r));
  if (missing.length || extra.length) {
    throw new ShapeError(
      `kernel ${name}: bindings ${declared.join(', ')} expected; missing ${missing.join(', ') || 'none'}, unknown ${extra.join(', ') || 'none'}`,
    );
  }
  return ctx.device.createBindGroup({
    label: name,
    layout: bindGroupLayout(ctx, info),
    entries: info.layout.bindings.map((b) => {
      const r = resources[b.name];
      const view: { buffer: GPUBuffer; offset?: number; size?: number } = 'buffer' in r ? r : { buffer: r };
      const size = b.name === STEP_BINDING ? Math.ceil(b.size / 16) * 16 : view.size;
      return { binding: b.binding, resource: { buffer: view.buffer, offset: view.offset ?? 0, size } };
    }),
  });
}

/** One recorded kernel launch: a pipeline, its bind group and its workgroup counts. */
export interface Dispatch {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  workgroups: [number, number, number];
  /** True when the bind group has a step binding that takes the step's dynamic offset. */
  perStep: boolean;
}

export function hasStepBinding(name: KernelName): boolean {
  return kernelInfo(name).layout.bindings.some((b) => b.name === STEP_BINDING);
}

/** Records dispatches into a compute pass; `stepSlot` picks the step binding's slot. */
export function encode(pass: GPUComputePassEncoder, dispatches: Dispatch[], stepSlot = 0): void {
  for (const d of dispatches) {
    pass.setPipeline(d.pipeline);
    if (d.perStep) pass.setBindGroup(0, d.bindGroup, [stepSlot * STEP_STRIDE]);
    else pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(...d.workgroups);
  }
}

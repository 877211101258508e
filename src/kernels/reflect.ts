import { ShapeError } from '../errors.js';
import type { MatmulCore } from '../gpu/matmul_choice.js';
import { REFLECTED } from './reflected.js';

/** How a binding is used by the shader, as read from its WGSL declaration. */
export type BindingKind = 'uniform' | 'storage' | 'read-only-storage';

export interface UniformMember {
  name: string;
  offset: number;
  type: 'u32' | 'i32' | 'f32';
}

export interface BindingInfo {
  name: string;
  binding: number;
  kind: BindingKind;
  /** Byte size of a uniform struct (0 for runtime-sized storage arrays). */
  size: number;
  members: UniformMember[];
}

export interface ShaderLayout {
  bindings: BindingInfo[];
  overrides: string[];
  workgroupSize: [number, number, number];
}

/**
 * A kernel's entry in src/kernels/reflected.ts, written compactly (it ships in the bundle):
 * `bindings` lists binding 0, 1, … in order, separated by spaces, each `name=read` (read-only
 * storage), `name=read_write` (storage) or `name=uniform{member:type,…}` (scalar members, so each
 * at 4 × its index); `overrides` the override constants, separated by spaces. Matmul kernels have
 * overrides and workgroup size per core (the register cores add MM_WG_X, MM_WG_Y, K_TAIL); their
 * bindings are the same for every core.
 */
export interface ReflectedKernel {
  bindings: string;
  overrides?: string;
  workgroupSize?: [number, number, number];
  cores?: Record<MatmulCore, { overrides: string; workgroupSize: [number, number, number] }>;
}

const KINDS: Record<string, BindingKind> = { uniform: 'uniform', read: 'read-only-storage', read_write: 'storage' };

/** The bindings a ReflectedKernel's `bindings` string describes (see there). */
export function decodeBindings(spec: string): BindingInfo[] {
  return spec.split(' ').map((item, binding) => {
    const [, name, kind, members] = /^(\w+)=(\w+)(?:\{(.*)\})?$/.exec(item) ?? [];
    if (!KINDS[kind]) throw new ShapeError(`bad binding ${item} in src/kernels/reflected.ts: run npm run reflect`);
    const list = (members ? members.split(',') : []).map((m, i) => {
      const [member, type] = m.split(':');
      return { name: member, offset: 4 * i, type: type as UniformMember['type'] };
    });
    return { name, binding, kind: KINDS[kind], size: 4 * list.length, members: list };
  });
}

/**
 * A kernel's bindings, uniform struct layouts, overrides and workgroup size, read from the table that
 * scripts/reflect-shaders.ts generates from the WGSL at build time (`npm run reflect`): no WGSL is
 * parsed at run time.
 */
export function shaderLayout(name: string, core: MatmulCore): ShaderLayout {
  const entry = REFLECTED[name];
  if (!entry) throw new ShapeError(`kernel ${name} is not in src/kernels/reflected.ts: run npm run reflect`);
  const perCore = entry.cores?.[core] ?? entry;
  return {
    bindings: decodeBindings(entry.bindings),
    overrides: perCore.overrides ? perCore.overrides.split(' ') : [],
    workgroupSize: perCore.workgroupSize ?? [1, 1, 1],
  };
}

/** Packs named values into a uniform struct's bytes at the offsets WGSL gives them. */
export function packUniform(shader: string, info: BindingInfo, values: Record<string, number>): ArrayBuffer {
  const bytes = new ArrayBuffer(Math.max(16, Math.ceil(info.size / 16) * 16));
  const view = new DataView(bytes);
  for (const m of info.members) {
    const value = values[m.name];
    if (value === undefined || !Number.isFinite(value)) {
      throw new ShapeError(`shader ${shader}: uniform ${info.name}.${m.name} needs a finite number, got ${value}`);
    }
    if (m.type === 'f32') view.setFloat32(m.offset, value, true);
    else if (m.type === 'u32') view.setUint32(m.offset, value, true);
    else view.setInt32(m.offset, value, true);
  }
  const unknown = Object.keys(values).filter((k) => !info.members.some((m) => m.name === k));
  if (unknown.length) throw new ShapeError(`shader ${shader}: uniform ${info.name} has no member ${unknown.join(', ')}`);
  return bytes;
}

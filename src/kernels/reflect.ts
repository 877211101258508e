import { WgslReflect, ResourceType } from 'wgsl_reflect/wgsl_reflect.module.js';
import { ShapeError } from '../errors.js';

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

/** Reads bindings, uniform struct layouts, overrides and the workgroup size from WGSL source. */
export function reflectShader(name: string, code: string): ShaderLayout {
  const reflect = new WgslReflect(code);
  const entry = reflect.entry.compute;
  if (entry.length !== 1) {
    throw new ShapeError(`shader ${name} must have exactly one compute entry point, found ${entry.length}`);
  }
  const groups = reflect.getBindGroups();
  if (groups.length !== 1) throw new ShapeError(`shader ${name} must use bind group 0 only`);
  const bindings: BindingInfo[] = groups[0].map((v) => {
    const kind: BindingKind =
      v.resourceType === ResourceType.Uniform ? 'uniform' : v.access === 'read' ? 'read-only-storage' : 'storage';
    const members = (v.members ?? []).map((m) => {
      const type = m.type.name;
      if (type !== 'u32' && type !== 'i32' && type !== 'f32') {
        throw new ShapeError(`shader ${name}: uniform member ${v.name}.${m.name} has unsupported type ${type}`);
      }
      return { name: m.name, offset: m.offset, type } as UniformMember;
    });
    return { name: v.name, binding: v.binding, kind, size: kind === 'uniform' ? v.size : 0, members };
  });
  const size = entry[0].workgroupSize ?? [1, 1, 1];
  return {
    bindings,
    overrides: reflect.overrides.map((o) => o.name),
    workgroupSize: [Number(size[0]), Number(size[1] ?? 1), Number(size[2] ?? 1)],
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

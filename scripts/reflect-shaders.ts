// `npm run reflect`: reads every kernel's bindings, uniform struct layouts, override constants and
// workgroup size from its WGSL with wgsl_reflect, and writes them to src/kernels/reflected.ts, the
// plain table the library looks kernels up in (so the published bundle parses no WGSL at run time
// and carries no wgsl_reflect). test/reflected.test.ts regenerates the table in memory and fails
// when the checked-in file is stale. Deterministic: kernels in KERNEL_SOURCES order, cores in a
// fixed order, no dates or paths.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ResourceType, WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import { decodeBindings, type BindingInfo, type BindingKind, type ReflectedKernel, type ShaderLayout, type UniformMember } from '../src/kernels/reflect';
import { KERNEL_SOURCES, kernelSource, usesMatmul, type KernelName, type MatmulCore } from '../src/kernels/sources';

export const REFLECTED_PATH = fileURLToPath(new URL('../src/kernels/reflected.ts', import.meta.url));
const CORES: readonly MatmulCore[] = ['shared', 'tiled', 'register', 'quad'];

/** Reads bindings, uniform struct layouts, overrides and the workgroup size from WGSL source. */
export function reflectShader(name: string, code: string): ShaderLayout {
  const reflect = new WgslReflect(code);
  const entry = reflect.entry.compute;
  if (entry.length !== 1) throw new Error(`shader ${name} must have exactly one compute entry point, found ${entry.length}`);
  const groups = reflect.getBindGroups();
  if (groups.length !== 1) throw new Error(`shader ${name} must use bind group 0 only`);
  const bindings: BindingInfo[] = groups[0].map((v) => {
    const kind: BindingKind =
      v.resourceType === ResourceType.Uniform ? 'uniform' : v.access === 'read' ? 'read-only-storage' : 'storage';
    const members = (v.members ?? []).map((m): UniformMember => {
      const type = m.type.name;
      if (type !== 'u32' && type !== 'i32' && type !== 'f32') {
        throw new Error(`shader ${name}: uniform member ${v.name}.${m.name} has unsupported type ${type}`);
      }
      return { name: m.name, offset: m.offset, type };
    });
    return { name: v.name, binding: v.binding, kind, size: kind === 'uniform' ? v.size : 0, members };
  });
  const size = entry[0].workgroupSize ?? [1, 1, 1];
  const workgroupSize: [number, number, number] = [Number(size[0]), Number(size[1] ?? 1), Number(size[2] ?? 1)];
  if (!workgroupSize.every(Number.isInteger)) throw new Error(`shader ${name}: workgroup size ${JSON.stringify(size)} is not a whole number`);
  return { bindings, overrides: reflect.overrides.map((o) => o.name), workgroupSize };
}

const KIND_WORDS: Record<BindingKind, string> = { uniform: 'uniform', 'read-only-storage': 'read', storage: 'read_write' };

/** A layout's bindings in the compact form of ReflectedKernel (src/kernels/reflect.ts), checked to decode back. */
export function encodeBindings(name: string, bindings: BindingInfo[]): string {
  const spec = bindings
    .map((b, i) => {
      if (b.binding !== i) throw new Error(`shader ${name}: bindings must be numbered 0, 1, … in order (${b.name} is @binding(${b.binding}), position ${i})`);
      const members = b.kind === 'uniform' ? `{${b.members.map((m) => `${m.name}:${m.type}`).join(',')}}` : '';
      return `${b.name}=${KIND_WORDS[b.kind]}${members}`;
    })
    .join(' ');
  // Scalar members sit at 4 × their index and the struct is 4 × their count: true for u32/i32/f32.
  if (JSON.stringify(decodeBindings(spec)) !== JSON.stringify(bindings)) {
    throw new Error(`shader ${name}: its bindings do not fit the table's compact form: ${JSON.stringify(bindings)}`);
  }
  return spec;
}

/**
 * Every kernel's table entry. Bindings and uniform layouts must not depend on the matmul core (one
 * bind group layout per kernel serves all cores), which is checked here; the overrides and the
 * workgroup size do (the register cores add MM_WG_X, MM_WG_Y, K_TAIL), so matmul kernels keep those
 * per core.
 */
export function reflectKernels(): Record<KernelName, ReflectedKernel> {
  const table = {} as Record<KernelName, ReflectedKernel>;
  for (const name of Object.keys(KERNEL_SOURCES) as KernelName[]) {
    if (!usesMatmul(name)) {
      const l = reflectShader(name, kernelSource(name, 'shared'));
      table[name] = { bindings: encodeBindings(name, l.bindings), overrides: l.overrides.join(' '), workgroupSize: l.workgroupSize };
      continue;
    }
    const layouts = CORES.map((core) => reflectShader(`${name} (${core} core)`, kernelSource(name, core)));
    const bindings = encodeBindings(name, layouts[0].bindings);
    const cores = {} as NonNullable<ReflectedKernel['cores']>;
    layouts.forEach((l, i) => {
      if (encodeBindings(name, l.bindings) !== bindings) {
        throw new Error(`kernel ${name}: bindings differ between the ${CORES[0]} and ${CORES[i]} matmul cores; a kernel's bindings must not depend on its core`);
      }
      cores[CORES[i]] = { overrides: l.overrides.join(' '), workgroupSize: l.workgroupSize };
    });
    table[name] = { bindings, cores };
  }
  return table;
}

/** The text of src/kernels/reflected.ts for a table (stable key order, one line per kernel or core). */
export function renderReflected(table: Record<string, ReflectedKernel>): string {
  const q = (s: string) => `'${s}'`; // identifiers, types and punctuation only: nothing to escape
  const layout = (l: { overrides?: string; workgroupSize?: number[] }) => `overrides: ${q(l.overrides ?? '')}, workgroupSize: [${(l.workgroupSize ?? [1, 1, 1]).join(', ')}]`;
  const lines = [
    '// Generated by scripts/reflect-shaders.ts (`npm run reflect`) from shaders/*.wgsl with wgsl_reflect:',
    '// do not edit. Each kernel\'s bindings (uniform structs with their members), override constants and',
    '// workgroup size, as the WGSL composed by kernelSource (src/kernels/sources.ts) declares them; matmul',
    '// kernels have the last two per core. The format is ReflectedKernel\'s (src/kernels/reflect.ts).',
    '// test/reflected.test.ts fails when this file is stale.',
    "import type { ReflectedKernel } from './reflect.js';",
    '',
    'export const REFLECTED: Readonly<Record<string, ReflectedKernel>> = {',
  ];
  for (const [name, k] of Object.entries(table)) {
    if (k.cores) {
      lines.push(`  ${name}: {`, `    bindings: ${q(k.bindings)},`, '    cores: {');
      for (const [c, l] of Object.entries(k.cores)) lines.push(`      ${c}: { ${layout(l)} },`);
      lines.push('    },', '  },');
    } else {
      lines.push(`  ${name}: { bindings: ${q(k.bindings)}, ${layout(k)} },`);
    }
  }
  lines.push('};', '');
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(REFLECTED_PATH, renderReflected(reflectKernels()));
  console.log(`wrote ${REFLECTED_PATH} (${Object.keys(KERNEL_SOURCES).length} kernels)`);
}

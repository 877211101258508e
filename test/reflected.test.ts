// src/kernels/reflected.ts is generated from the WGSL (scripts/reflect-shaders.ts, `npm run reflect`)
// so that the library parses no WGSL at run time. These tests regenerate it in memory and fail when
// the checked-in table is stale, and check that the shaders the bundle holds (comments and blanks
// removed by scripts/wgsl-minify.ts, vite.config.ts) reflect the same and compile.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFLECTED_PATH, reflectKernels, reflectShader, renderReflected } from '../scripts/reflect-shaders';
import { minifyWgsl } from '../scripts/wgsl-minify';
import { shaderLayout } from '../src/kernels/reflect';
import { KERNEL_SOURCES, kernelSource, usesMatmul, type KernelName, type MatmulCore } from '../src/kernels/sources';
import { testContext } from './helpers/gpu';

const KERNELS = Object.keys(KERNEL_SOURCES) as KernelName[];
const CORES: MatmulCore[] = ['shared', 'tiled', 'register', 'quad'];
const variants = KERNELS.flatMap((name) => (usesMatmul(name) ? CORES : (['shared'] as MatmulCore[])).map((core) => [name, core] as const));

describe('src/kernels/reflected.ts', () => {
  it('is what npm run reflect generates from the current shaders', () => {
    const fresh = renderReflected(reflectKernels());
    const checkedIn = readFileSync(REFLECTED_PATH, 'utf8');
    // Not toEqual on the text: a stale table should say what to do, not print a 30 KB diff first.
    expect(checkedIn === fresh, 'src/kernels/reflected.ts is stale (a shader or src/kernels/sources.ts changed): run npm run reflect and commit it').toBe(true);
  });

  it.each(variants)('%s (%s core): the table gives what wgsl_reflect reads from the WGSL', (name, core) => {
    expect(shaderLayout(name, core)).toEqual(reflectShader(name, kernelSource(name, core)));
  });

  it('names a missing kernel with the fix', () => {
    expect(() => shaderLayout('noSuchKernel', 'shared')).toThrow('run npm run reflect');
  });
});

describe('minified WGSL (the published bundle)', () => {
  it('drops comments and blanks but keeps tokens apart', () => {
    const src = ['// head', '/* a /* nested */ block */ const A: i32 = 1;', '  var<private> x: array<f32, 2> = array<f32, 2>(1.0, .5);', 'fn f(a: i32) -> i32 { return a - -A; } // tail', ''].join('\n');
    expect(minifyWgsl(src)).toBe(['const A:i32=1;', 'var<private>x:array<f32,2> =array<f32,2>(1.0,.5);', 'fn f(a:i32)->i32{return a- -A;}'].join('\n'));
    expect(() => minifyWgsl('/* open')).toThrow('unterminated');
  });

  it.each(variants)('%s (%s core) reflects the same minified', (name, core) => {
    const code = kernelSource(name, core);
    expect(reflectShader(name, minifyWgsl(code))).toEqual(reflectShader(name, code));
  });

  it('every kernel compiles minified exactly when it compiles as written (Dawn)', async () => {
    const { device } = await testContext();
    const compile = async (label: string, code: string): Promise<string | null> => {
      device.pushErrorScope('validation');
      const info = await device.createShaderModule({ label, code }).getCompilationInfo();
      const error = await device.popErrorScope();
      const messages = info.messages.filter((m) => m.type === 'error').map((m) => m.message);
      return error ? error.message : messages.length ? messages.join('; ') : null;
    };
    const mismatches: string[] = [];
    const broken: string[] = [];
    for (const [name, core] of variants) {
      if (core === 'quad' && !device.features.has('subgroups')) continue;
      const code = kernelSource(name, core);
      const written = await compile(`${name}:${core}`, code);
      const minified = await compile(`${name}:${core} minified`, minifyWgsl(code));
      if ((written === null) !== (minified === null)) mismatches.push(`${name} (${core}): as written ${written ?? 'compiles'}; minified ${minified ?? 'compiles'}`);
      if (written !== null) broken.push(`${name} (${core})`);
    }
    // Every kernel compiles with every core, including the GPU cores that SwiftShader never runs
    // (denseBackwardWeightsSplit once failed Dawn's uniformity analysis with 'shared' and 'tiled').
    expect(broken).toEqual([]);
    expect(mismatches).toEqual([]);
  });
});

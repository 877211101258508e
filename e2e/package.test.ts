// The library as a user gets it: `npm run build` (dist/index.js, dist/worker.js + .d.ts), then a separate Vite app
// (e2e/app: its own package.json, vite.config.ts, index.html, main.ts doing `import … from
// 'webgpu-train'` and train-worker.ts doing `serveTraining()` from 'webgpu-train/worker') built with
// Vite's JS API. 'webgpu-train' resolves as an installed package: e2e/app/node_modules/webgpu-train
// is the `npm pack` tarball's contents (packed after the build, unpacked there), so the app sees only
// what a user installs, and resolution goes through package.json "exports" to its dist/. The built
// app is served by `vite preview` and must train XOR in Chromium, on the page's thread and in its
// module Worker through TrainingWorker. Neither the library bundle nor the app's bundles may import
// `webgpu` (Dawn, Node only) or a Node built-in; nor may dist/worker.js ('webgpu-train/worker'),
// which imports the library from './index.js' and nothing else. `npm pack`'s tarball ships dist/
// only (package.json "files"), and every file it ships finds what it refers to inside it.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Browser } from 'playwright-core';
import { build, createLogger, parseAst, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET, WORKER_BUDGET, bundleSize, describeSize } from '../scripts/bundle-size';
import { launchBrowser, openPage, repoRoot } from './browser';
import type { AppResult, XorRun } from './app/main';

const appRoot = join(repoRoot, 'e2e/app');
/** The app's own config: workers bundled as ES modules (README "In a Worker"). */
const appConfig = join(appRoot, 'vite.config.ts');
const appModules = join(appRoot, 'node_modules');
const link = join(appModules, 'webgpu-train');
const distJs = join(repoRoot, 'dist/index.js');
const distDts = join(repoRoot, 'dist/index.d.ts');
const workerJs = join(repoRoot, 'dist/worker.js');
const workerDts = join(repoRoot, 'dist/worker.d.ts');
interface PackageJson {
  name: string;
  version: string;
  main: string;
  types: string;
  exports: Record<string, Record<string, string>>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as PackageJson;

/** Runs a command in the repository; throws with its output when it fails. */
function run(command: string, args: string[], cwd = repoRoot): string {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${r.status ?? r.signal}:\n${output}`);
  return output;
}

/** Every module specifier a JS file imports: static, re-exported, dynamic import() and require(). */
function importedSpecifiers(code: string, filename: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, any>;
    if (
      (n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || n.type === 'ExportNamedDeclaration' || n.type === 'ImportExpression') &&
      n.source
    ) {
      // import(`./chunk.js`), as Vite writes a worker's dynamic imports: a template without expressions.
      const template = n.source.type === 'TemplateLiteral' && n.source.expressions.length === 0 ? String(n.source.quasis[0].value.cooked) : null;
      found.push(n.source.type === 'Literal' ? String(n.source.value) : (template ?? `<computed ${n.type}>`));
    }
    if (n.type === 'CallExpression' && n.callee?.type === 'Identifier' && n.callee.name === 'require') {
      found.push(n.arguments?.[0]?.type === 'Literal' ? String(n.arguments[0].value) : '<computed require>');
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'parent' && value && typeof value === 'object') visit(value);
  };
  visit(parseAst(code, { sourceType: 'module' }, filename));
  return found;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** `webgpu` (Dawn), `node:*`, or a bare Node built-in: none can load in a browser. */
const isNodeOnly = (specifier: string) => specifier === 'webgpu' || specifier.startsWith('webgpu/') || specifier.startsWith('node:') || NODE_BUILTINS.has(specifier);

/** Packs the built library (`npm pack`, no rebuild) and unpacks the tarball as the app's installed webgpu-train. */
function installPackedPackage(): void {
  mkdirSync(appModules, { recursive: true });
  removeInstalledPackage();
  const packDir = mkdtempSync(join(tmpdir(), 'webgpu-train-app-pack-'));
  try {
    const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: repoRoot, encoding: 'utf8' });
    if (pack.status !== 0) throw new Error(`npm pack exited with ${pack.status ?? pack.signal}:\n${pack.stdout}${pack.stderr}`);
    const tgz = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack wrote no tarball in ${packDir}`);
    run('tar', ['xzf', join(packDir, tgz), '-C', packDir]);
    cpSync(join(packDir, 'package'), link, { recursive: true });
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

/** The unpacked package (or a link left by an older version of this test), nothing else of node_modules. */
function removeInstalledPackage(): void {
  const found = lstatSync(link, { throwIfNoEntry: false });
  if (found?.isSymbolicLink()) unlinkSync(link);
  else if (found && existsSync(join(link, 'package.json'))) rmSync(link, { recursive: true, force: true });
}

function unlinkPackage(): void {
  removeInstalledPackage();
  // Where Vite bundled the app's vite.config.ts to load it (emptied by Vite afterwards).
  const viteTemp = join(appModules, '.vite-temp');
  if (existsSync(viteTemp) && readdirSync(viteTemp).length === 0) rmdirSync(viteTemp);
  // Only the link was ours; the folder goes if nothing else is in it.
  if (existsSync(appModules) && readdirSync(appModules).length === 0) rmdirSync(appModules);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** The package a bare specifier names: 'protobufjs/light.js' → 'protobufjs', '@webgpu/types' → itself. */
const packageOf = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * What the tarball's files refer to that it lacks, as lines to read (none: every reference holds).
 * JS: static and dynamic imports (relative: a shipped file; bare: a dependency or peer), and
 * `//# sourceMappingURL`; source maps: a sourcesContent entry for every source (their `sources` are
 * ../src/ paths, not shipped, so a map must not need them); declarations: relative imports,
 * `import("…")` types, `/// <reference path>` and `types` references (a dependency), and no
 * sourceMappingURL (declaration maps would point into the missing src/). Also: JS that no "exports"
 * entry reaches (shipped for nothing).
 */
function dangling(root: string, files: string[]): string[] {
  const shipped = new Set(files);
  const external = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  const problems: string[] = [];
  const resolveIn = (from: string, specifier: string) => relative(root, join(root, dirname(from), specifier));
  const jsImports = new Map<string, string[]>();
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    const mapUrl = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
    if (f.endsWith('.js')) {
      const relativeImports: string[] = [];
      for (const s of importedSpecifiers(text, f)) {
        if (s.startsWith('.')) {
          relativeImports.push(resolveIn(f, s));
          if (!shipped.has(resolveIn(f, s))) problems.push(`${f} imports ${s}: not in the tarball`);
        } else if (!external.has(packageOf(s))) problems.push(`${f} imports ${s}: not a dependency or peer dependency`);
      }
      jsImports.set(f, relativeImports);
      if (mapUrl && !shipped.has(resolveIn(f, mapUrl))) problems.push(`${f}: sourceMappingURL ${mapUrl} not in the tarball`);
    } else if (f.endsWith('.js.map')) {
      const map = JSON.parse(text) as { sources: string[]; sourcesContent?: (string | null)[] };
      const missing = map.sources.filter((_, i) => typeof map.sourcesContent?.[i] !== 'string');
      if (missing.length) problems.push(`${f}: no sourcesContent for ${missing.join(', ')}`);
    } else if (f.endsWith('.d.ts')) {
      if (mapUrl) problems.push(`${f}: sourceMappingURL ${mapUrl} (a declaration map)`);
      const refs = [
        ...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm),
        ...text.matchAll(/\/\/\/\s*<reference\s+(?:path|types)="([^"]+)"/g),
      ].map((m) => m[1]!);
      for (const s of refs) {
        if (s.startsWith('.')) {
          const target = resolveIn(f, s).replace(/\.js$/, '.d.ts');
          if (!shipped.has(target)) problems.push(`${f} refers to ${s}: ${target} not in the tarball`);
        } else if (!external.has(packageOf(s))) problems.push(`${f} refers to ${s}: not a dependency or peer dependency`);
      }
    }
  }
  // JS the entry points reach, following relative imports.
  const reached = new Set<string>();
  const entries = Object.values(pkg.exports).map((e) => relative('.', e.import!));
  for (const stack = [...entries]; stack.length; ) {
    const f = stack.pop()!;
    if (reached.has(f)) continue;
    reached.add(f);
    stack.push(...(jsImports.get(f) ?? []));
  }
  for (const f of files) if (f.endsWith('.js') && !reached.has(f)) problems.push(`${f}: no "exports" entry imports it`);
  return problems;
}

/**
 * A Node consumer of the packed library: types of the API, WebGPU's global types, a CPU fit; and
 * 'webgpu-train/worker' over a MessageChannel (serveTraining on one port, TrainingWorker on the
 * other), whose errors are the main entry's classes (one copy of the library).
 */
const CONSUMER_TS = `import { ConfigError, createContext, Sequential, WebGPUUnavailableError, type GpuContext } from 'webgpu-train';
import { serveTraining, TrainingWorker } from 'webgpu-train/worker';

const m: Sequential = await Sequential.create({
  inputSize: 2,
  layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }],
  loss: 'binaryCrossEntropy',
  seed: 1,
  backend: 'cpu',
});
const history = await m.fit([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0], { epochs: 5, batchSize: 4 });
const w = await m.getWeights();
w[0]!.weight satisfies Float32Array;
// @ts-expect-error inputSize is a number: the declarations are typed, not any
const wrong: string = m.config.inputSize;
void wrong;

export async function device(): Promise<GPUDevice> {
  try {
    const ctx: GpuContext = await createContext();
    return ctx.device;
  } catch (e) {
    if (e instanceof WebGPUUnavailableError) console.error(e.message);
    throw e;
  }
}
m.dispose();

const { port1, port2 } = new MessageChannel();
serveTraining(port2);
const trainer = await TrainingWorker.create(port1, { inputSize: 2, layers: [{ units: 4, activation: 'tanh' }, { units: 1, activation: 'sigmoid' }], seed: 1 }, { backend: 'cpu' });
const workerHistory = await trainer.fit([0, 0, 0, 1, 1, 0, 1, 1], [0, 1, 1, 0], { epochs: 3, batchSize: 4 });
const badLayer = await TrainingWorker.create(port1, { inputSize: 2, layers: [{ units: 0 }] }, { backend: 'cpu' }).catch((e: unknown) => e);
await trainer.dispose();
port1.close();
console.log(JSON.stringify({ layers: w.length, firstWeights: w[0]!.weight.length, epochs: history.loss.length, workerEpochs: workerHistory.loss.length, workerErrorIsConfigError: badLayer instanceof ConfigError }));
`;

const WRONG_TS = `import { Sequential } from 'webgpu-train';
const m = await Sequential.create({ inputSize: 2, layers: [{ units: 1 }], backend: 'cpu' });
const n: string = m.config.inputSize;
export {};
`;

describe('webgpu-train as a package: build, then a separate Vite app imports it by name', () => {
  let outDir: string;
  let buildOutput: string;
  let appChunks: { fileName: string; moduleIds: string[]; imports: string[]; dynamicImports: string[] }[] = [];
  const viteWarnings: string[] = [];
  let server: PreviewServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    buildOutput = run('npm', ['run', 'build']);
    installPackedPackage();
    outDir = mkdtempSync(join(tmpdir(), 'webgpu-train-app-'));
    const logger = createLogger('warn', { allowClearScreen: false });
    const warn = logger.warn.bind(logger);
    logger.warn = (msg, options) => {
      viteWarnings.push(msg);
      warn(msg, options);
    };
    const result = await build({
      root: appRoot,
      configFile: appConfig,
      envDir: false,
      logLevel: 'warn',
      customLogger: logger,
      build: { outDir, emptyOutDir: true, target: 'es2022', sourcemap: false, reportCompressedSize: false },
    });
    const outputs = Array.isArray(result) ? result : [result];
    for (const o of outputs) {
      if (!('output' in o)) throw new Error('vite build returned a watcher');
      for (const item of o.output) {
        if (item.type === 'chunk') {
          appChunks.push({ fileName: item.fileName, moduleIds: item.moduleIds, imports: item.imports, dynamicImports: item.dynamicImports });
        }
      }
    }
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
    unlinkPackage();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('npm run build emits dist/index.js and dist/index.d.ts without Node-only imports', () => {
    expect(buildOutput).toContain('dist/index.js');
    expect(buildOutput).toContain('dist/worker.js');
    expect(existsSync(distJs)).toBe(true);
    expect(existsSync(distDts)).toBe(true);
    const dts = readFileSync(distDts, 'utf8');
    for (const name of ['createContext', 'Sequential', 'VERSION', "export * from './errors.js'"]) expect(dts).toContain(name);
    expect(readFileSync(join(repoRoot, 'dist/errors.d.ts'), 'utf8')).toContain('class WebGPUUnavailableError');
    const specifiers = importedSpecifiers(readFileSync(distJs, 'utf8'), distJs);
    expect(specifiers.filter(isNodeOnly), `dist/index.js imports ${JSON.stringify(specifiers)}`).toEqual([]);
  });

  it("npm run build emits dist/worker.js ('webgpu-train/worker') importing the library from './index.js' only, and dist/worker.d.ts", async () => {
    const code = readFileSync(workerJs, 'utf8');
    const specifiers = importedSpecifiers(code, workerJs);
    expect(specifiers.filter(isNodeOnly), `dist/worker.js imports ${JSON.stringify(specifiers)}`).toEqual([]);
    expect(specifiers).toEqual(['./index.js']);
    // No second copy of the library: no kernels, no model class of its own.
    expect(code).not.toMatch(/class Sequential|@compute|wgsl_reflect/);
    expect(code).toMatch(/export \{ TrainingWorker, serveTraining \}/);
    const size = await bundleSize(workerJs);
    console.log(describeSize(size, 'dist/worker.js', WORKER_BUDGET));
    expect(size.gzipped).toBeLessThanOrEqual(WORKER_BUDGET);
    expect(readFileSync(workerDts, 'utf8')).toBe("export * from './worker/index.js';\n");
    const dts = readFileSync(join(repoRoot, 'dist/worker/index.d.ts'), 'utf8');
    for (const name of ['serveTraining', 'TrainingWorker', 'TrainingWorkerOptions', 'TrainingState']) expect(dts).toContain(name);
  });

  it('dist/index.js is at most 48 KB minified + gzipped (issue 14) and parses no WGSL (no wgsl_reflect)', async () => {
    const size = await bundleSize(distJs);
    console.log(describeSize(size));
    expect(size.gzipped, `${describeSize(size)}: over budget`).toBeLessThanOrEqual(BUNDLE_BUDGET);
    const code = readFileSync(distJs, 'utf8');
    expect(code).not.toMatch(/wgsl_reflect|WgslReflect/);
  });

  it("the app's 'webgpu-train' (the unpacked tarball) resolves through package.json exports to its dist/, bundled without Dawn or node: modules", () => {
    expect(appChunks.length).toBeGreaterThan(0);
    const modules = appChunks.flatMap((c) => c.moduleIds);
    // The bundle holds the installed package's dist/index.js, not the repository's build or sources.
    expect(modules).toContain(join(link, 'dist/index.js'));
    const fromRepo = modules.filter((m) => m.startsWith(repoRoot) && !m.startsWith(appRoot)).map((m) => relative(repoRoot, m));
    expect(fromRepo.filter((m) => !m.startsWith('node_modules/'))).toEqual([]);
    expect(modules.filter((m) => /[\\/]node_modules[\\/]webgpu[\\/]/.test(m))).toEqual([]);
    // Nothing left to import at run time: no externals, and no Node-only specifier in any chunk.
    for (const c of appChunks) {
      expect(c.imports.filter((s) => !appChunks.some((o) => o.fileName === s)), c.fileName).toEqual([]);
      expect(c.dynamicImports.filter(isNodeOnly), c.fileName).toEqual([]);
    }
    const files = filesUnder(outDir);
    expect(files).toContain('index.html');
    expect(files.filter((f) => f.endsWith('.node') || f.includes('dawn'))).toEqual([]);
    for (const f of files.filter((f) => f.endsWith('.js'))) {
      const specifiers = importedSpecifiers(readFileSync(join(outDir, f), 'utf8'), f);
      expect(specifiers.filter(isNodeOnly), `${f} imports ${JSON.stringify(specifiers)}`).toEqual([]);
    }
    expect(viteWarnings.filter((w) => /externalized for browser compatibility|node:|webgpu/i.test(w))).toEqual([]);
  });

  it("the app's worker (train-worker.ts) is a bundle of its own, an ES module (worker.format 'es') whose ONNX exporter is a chunk loaded by import()", () => {
    const files = filesUnder(outDir);
    const workers = files.filter((f) => /^assets\/train-worker-[\w-]+\.js$/.test(f));
    expect(workers, files.join(', ')).toHaveLength(1);
    const workerFile = workers[0]!;
    // The page starts the built worker, not a data: URL of its source (what Vite makes of a
    // `new URL('./train-worker.ts', …)` that is not written inside `new Worker(…)`).
    const pageChunks = appChunks.filter((c) => c.moduleIds.some((m) => m === join(appRoot, 'main.ts')));
    expect(pageChunks).toHaveLength(1);
    const pageCode = readFileSync(join(outDir, pageChunks[0]!.fileName), 'utf8');
    expect(pageCode).toContain(workerFile.slice('assets/'.length));
    expect(pageCode).not.toMatch(/data:[^`'"]*base64/);
    const code = readFileSync(join(outDir, workerFile), 'utf8');
    expect(code, 'serveTraining in the worker').toMatch(/webgpu-train\/worker@1/);
    expect(code, "the library's kernels in the worker").toMatch(/@compute/);
    const specifiers = importedSpecifiers(code, workerFile);
    expect(specifiers.every((s) => s.startsWith('./') && files.includes(join('assets', s))), JSON.stringify(specifiers)).toBe(true);
    expect(specifiers.filter((s) => /^\.\/onnx-[\w-]+\.js$/.test(s))).toHaveLength(1);
    expect(code, 'the exporter inlined into the worker').not.toMatch(/ModelProto/);
  });

  it('the app (main.ts, train-worker.ts) type-checks against the published dist/*.d.ts (e2e/app/tsconfig.json)', () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const out = spawnSync(process.execPath, [tsc, '-p', join(appRoot, 'tsconfig.json'), '--traceResolution'], { encoding: 'utf8' });
    expect(out.status, out.stdout.split('\n').filter((l) => l.includes('error')).join('\n')).toBe(0);
    // Resolved as an installed package, to the declarations the tarball ships.
    expect(out.stdout).toContain(`Module name 'webgpu-train' was successfully resolved to '${join(link, 'dist/index.d.ts')}'`);
    expect(out.stdout).toContain(`Module name 'webgpu-train/worker' was successfully resolved to '${join(link, 'dist/worker.d.ts')}'`);
  });

  describe('npm pack, installed into a Node consumer whose tsconfig is `tsc --init` (module nodenext) with skipLibCheck false', () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    let packDir: string;
    let consumer: string;
    let packed: { entryCount: number; size: number; unpackedSize: number; files: { path: string }[] };
    const installed = () => join(consumer, 'node_modules/webgpu-train');
    const typecheck = (...args: string[]) =>
      spawnSync(process.execPath, [tsc, '-p', '.', ...args], { cwd: consumer, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

    beforeAll(() => {
      packDir = mkdtempSync(join(tmpdir(), 'webgpu-train-pack-'));
      // --ignore-scripts: prepack (`npm run build`) would build again what the outer beforeAll just built.
      const pack = spawnSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], { cwd: repoRoot, encoding: 'utf8' });
      if (pack.status !== 0) throw new Error(`npm pack exited with ${pack.status ?? pack.signal}:\n${pack.stdout}${pack.stderr}`);
      packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0]!;
      const tgz = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
      if (!tgz) throw new Error(`npm pack wrote no tarball in ${packDir}`);
      consumer = join(packDir, 'consumer');
      mkdirSync(consumer);
      writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
      // Only the tarball is installed (with its dependency @webgpu/types); typescript is the repository's.
      run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', join(packDir, tgz)], consumer);
      run(process.execPath, [tsc, '--init'], consumer);
      const config = readFileSync(join(consumer, 'tsconfig.json'), 'utf8');
      if (!/"module": "nodenext"/.test(config) || !/"skipLibCheck": true/.test(config)) throw new Error(`unexpected tsc --init output:\n${config}`);
      writeFileSync(join(consumer, 'tsconfig.json'), config.replace('"skipLibCheck": true', '"skipLibCheck": false'));
      writeFileSync(join(consumer, 'index.ts'), CONSUMER_TS);
    });

    afterAll(() => {
      if (packDir) rmSync(packDir, { recursive: true, force: true });
    });

    it('the tarball ships dist/ only (bundles, their source maps, declarations) with package.json, README.md and LICENSE; webgpu (an optional peer) is not installed', () => {
      const files = filesUnder(installed()).sort();
      console.log(`npm pack: ${packed.entryCount} files, ${packed.size} B packed, ${packed.unpackedSize} B unpacked`);
      expect(packed.files.map((f) => f.path).sort()).toEqual(files);
      // Every "exports" target, and main/types.
      const targets = [pkg.main, pkg.types, ...Object.values(pkg.exports).flatMap((e) => Object.values(e))].map((t) => relative('.', t));
      expect(targets).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/worker.js', 'dist/worker.d.ts']));
      expect(targets.filter((t) => !files.includes(t))).toEqual([]);
      // dist/ and the three top-level files, nothing else: no src/, shaders, tests, benches, e2e, demo or scripts.
      expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f))).toEqual([]);
      expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
      // In dist/: bundles (.js), their source maps (.js.map) and declarations (.d.ts); no TypeScript
      // source, WGSL, declaration map, or anything of the tests or benches.
      expect(files.filter((f) => f.startsWith('dist/') && !/\.(js|js\.map|d\.ts)$/.test(f))).toEqual([]);
      expect(files.filter((f) => /(^|[/._-])(test|tests|bench|benches|e2e|demo|fixtures?)([/._-]|$)/i.test(f))).toEqual([]);
      expect(dangling(installed(), files)).toEqual([]);
      expect(readFileSync(join(installed(), 'dist/index.d.ts'), 'utf8')).toMatch(/^\/\/\/ <reference types="@webgpu\/types"/);
      expect(existsSync(join(consumer, 'node_modules/@webgpu/types/package.json'))).toBe(true);
      expect(existsSync(join(consumer, 'node_modules/webgpu'))).toBe(false);
    });

    it('type-checks under nodenext (tsc --init defaults, skipLibCheck false), and the emitted JS trains on the CPU in Node', () => {
      const out = typecheck();
      expect(out.status, `${out.stdout}${out.stderr}`).toBe(0);
      const runIt = run(process.execPath, ['index.js'], consumer);
      expect(JSON.parse(runIt.trim().split('\n').pop()!)).toEqual({ layers: 2, firstWeights: 8, epochs: 5, workerEpochs: 3, workerErrorIsConfigError: true });
    });

    it.each([
      ['node16', ['--module', 'node16', '--moduleResolution', 'node16']],
      ['bundler', ['--module', 'preserve', '--moduleResolution', 'bundler']],
    ])('type-checks under %s resolution too', (_name, args) => {
      const out = typecheck('--noEmit', ...args);
      expect(out.status, `${out.stdout}${out.stderr}`).toBe(0);
    });

    it('reports a wrong use (the types are not any)', () => {
      // In a folder of its own (tsc -p . would include it), removed afterwards.
      const dir = join(consumer, 'wrong');
      mkdirSync(dir);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../tsconfig.json', include: ['wrong.ts'] }));
      writeFileSync(join(dir, 'wrong.ts'), WRONG_TS);
      const out = spawnSync(process.execPath, [tsc, '-p', 'wrong', '--noEmit'], { cwd: consumer, encoding: 'utf8' });
      rmSync(dir, { recursive: true, force: true });
      expect(out.status).not.toBe(0);
      expect(out.stdout).toContain("wrong/wrong.ts(3,7): error TS2322: Type 'number' is not assignable to type 'string'.");
      expect(out.stdout.split('\n').filter((l) => l.includes('error')).length).toBe(1);
    });
  });

  it('the built app, served by vite preview, trains XOR in Chromium: on the page and in its module Worker (TrainingWorker), whose toOnnx() bytes match the page\'s', async () => {
    server = await preview({
      root: appRoot,
      configFile: appConfig,
      envDir: false,
      logLevel: 'warn',
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, open: false },
    });
    const { port } = server.httpServer.address() as AddressInfo;
    browser = await launchBrowser();
    const p = await openPage(browser, `http://127.0.0.1:${port}/`);
    const status = p.page.locator('#status');
    await p.page.waitForFunction(() => document.getElementById('status')?.dataset.state !== 'running', null, { timeout: 120_000 });
    const text = (await p.page.locator('#result').textContent()) ?? '';
    expect(await status.getAttribute('data-state'), text).toBe('done');
    const { main: r, worker: w } = JSON.parse(text) as AppResult;
    const times = (run: XorRun) => `ready ${run.ms.ready.toFixed(0)} ms, fit done ${run.ms.fit.toFixed(0)} ms, all ${run.ms.total.toFixed(0)} ms`;
    console.log(`XOR app, page:   outputs ${r.outputs.map((o) => o.toFixed(3)).join(' ')}, loss ${r.firstLoss.toFixed(3)} → ${r.finalLoss.toFixed(4)} (${r.adapter}); ${times(r)}`);
    console.log(
      `XOR app, worker: outputs ${w.outputs.map((o) => o.toFixed(3)).join(' ')}, loss ${w.firstLoss.toFixed(3)} → ${w.finalLoss.toFixed(4)} (${w.adapter}); ${times(w)}; ` +
        `${w.messagesFromWorker} messages from the worker, ${w.progressReports} progress reports, ONNX ${w.onnxBytes} B`,
    );
    expect(r.version).toBe(pkg.version);
    for (const run of [r, w]) {
      expect(run.epochs).toBe(20);
      expect(run.predicted).toEqual([0, 1, 1, 0]);
      expect(run.accuracy).toBe(1);
      run.outputs.forEach((o, i) => expect(Math.abs(o - [0, 1, 1, 0][i]!)).toBeLessThan(0.1));
      expect(run.finalLoss).toBeLessThan(0.05);
      expect(run.finalLoss).toBeLessThan(run.firstLoss);
    }
    expect(r.uncapturedErrors).toEqual([]);
    expect(r.healthy).toBe(true);
    // The worker trained on its own WebGPU context (navigator.gpu in the worker): the same adapter as the page's.
    expect(w.adapter).toBe(r.adapter);
    // Everything came back as messages posted by the worker: answers, and a progress report per step at least once an epoch.
    expect(w.progressReports).toBeGreaterThanOrEqual(20);
    expect(w.messagesFromWorker).toBeGreaterThan(w.progressReports);
    expect(w.onnxBytes).toBeGreaterThan(0);
    expect(w.onnxMatchesPage).toBe(true);
    expect(w.stateAfterDispose).toBe('disposed');
    // And the worker is one: the built train-worker bundle, a DedicatedWorkerGlobalScope without a document, with navigator.gpu.
    const workers = p.page.workers().filter((x) => /\/assets\/train-worker-[\w-]+\.js$/.test(x.url()));
    expect(workers.map((x) => x.url())).toHaveLength(1);
    const scope = await workers[0]!.evaluate(() => ({
      global: globalThis.constructor.name,
      document: typeof (globalThis as { document?: unknown }).document,
      gpu: typeof navigator.gpu,
    }));
    expect(scope).toEqual({ global: 'DedicatedWorkerGlobalScope', document: 'undefined', gpu: 'object' });
    expect(await status.textContent()).toBe('XOR learned: 0 1 1 0 (page), 0 1 1 0 (worker)');
    expect(p.errors()).toEqual([]);
    await p.close();
  });
});

// Library build (`npm run build`): ESM bundle dist/index.js from src/index.ts, then dist/worker.js
// from src/worker/index.ts (the 'webgpu-train/worker' entry, built on its own: see workerEntry);
// declarations come from `tsc -p tsconfig.build.json` afterwards. WGSL is imported with `?raw` and
// inlined as strings.
// The same file configures the dev server the e2e suite starts (root = repository, so pages under
// e2e/pages/ can import `/src/index.ts` or, after a build, `/dist/index.js`).
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Plugin } from 'vite';
import { minifyWgsl } from './scripts/wgsl-minify';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * `*.wgsl?raw` imports without comments and indentation (scripts/wgsl-minify.ts): the shaders are
 * most of the bundle's bytes, their comments most of the shaders'. Also applies to the dev server,
 * so the e2e pages that load /src/index.ts compile the same text the published bundle holds.
 */
function wgslMinify(): Plugin {
  return {
    name: 'wgsl-minify',
    enforce: 'post',
    transform(code, id) {
      if (!/\.wgsl\?raw$/.test(id)) return null;
      const m = /^export default (".*");?\s*$/s.exec(code);
      if (!m) this.error(`wgsl-minify: unexpected ?raw module for ${id}`);
      return { code: `export default ${JSON.stringify(minifyWgsl(JSON.parse(m[1]) as string))};\n`, map: null };
    },
  };
}

/** The library's main entry, as the worker entry's modules import it ('../index.js'). */
const libraryEntry = fileURLToPath(new URL('./src/index.ts', import.meta.url));

/**
 * After dist/index.js: builds dist/worker.js from src/worker/index.ts in a build of its own, with
 * the library's main entry external, so dist/worker.js imports it from './index.js' instead of
 * carrying a second copy, and dist/index.js is exactly what it is without the worker entry (one
 * build with both entries would move the library into a shared chunk). Also writes
 * dist/worker.d.ts, which re-exports the declarations tsc emits into dist/worker/.
 */
function workerEntry(): Plugin {
  const externalLibrary: Plugin = {
    name: 'worker-entry:external-library',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!importer?.includes('/src/worker/')) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      // dist/worker.js sits next to dist/index.js.
      if (resolved?.id === libraryEntry) return { id: './index.js', external: true };
      // Any other library module would be a second copy (with its own error classes) in dist/worker.js.
      if (resolved && resolved.id.startsWith(`${root}src/`) && !resolved.id.startsWith(`${root}src/worker/`)) {
        this.error(`${importer} imports ${source}: src/worker/ must import the library through '../index.js' only`);
      }
      return resolved;
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'worker.d.ts', source: "export * from './worker/index.js';\n" });
    },
  };
  return {
    name: 'worker-entry',
    apply: 'build',
    async closeBundle() {
      await build({
        root,
        configFile: false,
        plugins: [externalLibrary],
        build: {
          target: 'es2022',
          outDir: 'dist',
          emptyOutDir: false,
          sourcemap: true,
          minify: false,
          lib: { entry: 'src/worker/index.ts', formats: ['es'], fileName: () => 'worker.js' },
        },
      });
    },
  };
}

export default defineConfig({
  root,
  plugins: [wgslMinify(), workerEntry()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    minify: false,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'index.js',
    },
    rolldownOptions: {
      // Node-only: the `webgpu` package (Dawn) is injected by Node users, never bundled.
      external: ['webgpu', /^node:/],
    },
  },
  server: {
    // Tests pick a free port themselves; never open a browser from the dev server.
    open: false,
  },
});

// Library build (`npm run build`): ESM bundle dist/index.js from src/index.ts; declarations come from
// `tsc -p tsconfig.build.json` afterwards. WGSL is imported with `?raw` and inlined as strings.
// The same file configures the dev server the e2e suite starts (root = repository, so pages under
// e2e/pages/ can import `/src/index.ts` or, after a build, `/dist/index.js`).
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
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

export default defineConfig({
  root,
  plugins: [wgslMinify()],
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

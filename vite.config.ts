// Library build (`npm run build`): ESM bundle dist/index.js from src/index.ts; declarations come from
// `tsc -p tsconfig.build.json` afterwards. WGSL is imported with `?raw` and inlined as strings.
// The same file configures the dev server the e2e suite starts (root = repository, so pages under
// e2e/pages/ can import `/src/index.ts` or, after a build, `/dist/index.js`).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
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

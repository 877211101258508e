// The browser benchmark page as a static site (`npm run bench:browser:build` writes
// bench/browser/dist/, relative URLs), for machines that serve files but have no npm or Vite: the
// GPU machine's Chromium (../shared/gpu/run-chromium.sh DIR PAGE) opens
// `index.html?close=1` from any static server and reads its `BENCH_RESULT {json}` console line.
// `npm run bench:browser` does not need this build: it serves the page from the Vite dev server.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  clearScreen: false,
  cacheDir: fileURLToPath(new URL('../../node_modules/.vite-bench', import.meta.url)),
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
});

// The MNIST demo as its own Vite app (root: demo/). `npm run demo` serves it with hot reload;
// `npm run demo:build` writes a static site to demo/dist/ (relative URLs, so it can be hosted under
// any path; the MNIST JSON files are copied in as assets); `npm run demo:preview` serves that build.
// The page imports the library from ../src, so the dev server may read the whole repository; the
// training worker (train-worker.ts) imports it too and becomes its own chunk.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const demoRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: demoRoot,
  base: './',
  clearScreen: false,
  // Its own dependency cache: the e2e dev servers (root vite.config.ts) use node_modules/.vite, and
  // two configs sharing one cache re-optimise it under each other.
  cacheDir: fileURLToPath(new URL('../node_modules/.vite-demo', import.meta.url)),
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // The ten MNIST files are ~2 MB each: keep them as separate files, never inlined.
    assetsInlineLimit: 0,
  },
  // The training worker (train-worker.ts) is bundled as an ES module, as the dev server serves it and
  // the page starts it ({ type: 'module' }). Vite's default for workers, an iife, could hold no
  // top-level await and inlines the lazily loaded ONNX export (a 332 KB worker instead of 219 KB).
  worker: { format: 'es' },
  server: {
    fs: { allow: [repoRoot] },
  },
  preview: {
    port: 4173,
  },
});

// The app's Vite config, as README "In a Worker" advises: workers bundled as ES modules, so the
// worker's ONNX exporter stays a chunk of its own, loaded by toOnnx() only (the default, iife,
// would inline it into the worker's bundle). e2e/package.test.ts builds and serves the app with it.
import { defineConfig } from 'vite';

export default defineConfig({ worker: { format: 'es' } });

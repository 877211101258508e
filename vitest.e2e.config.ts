// End-to-end tests (`npm run test:e2e`): each test file starts a Vite dev server and headless
// Chromium (playwright-core, WebGPU on SwiftShader) through e2e/browser.ts. One file at a time:
// a browser with a software GPU already uses every core.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});

// Unit tests (`npm run test:unit`): Node, real WebGPU through Dawn (the `webgpu` package), run under
// scripts/webgpu-env.sh so that a machine without a GPU uses SwiftShader. SwiftShader on a couple of
// CPU cores is slow, hence the long timeouts; files run one at a time in child processes so only one
// Dawn instance is alive and a native crash cannot take the runner down.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});

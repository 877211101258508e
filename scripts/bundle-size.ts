// `npm run size`: dist/index.js (from `npm run build`) minified with esbuild and gzipped at level 9,
// against the budget of issue 14: 48 KB with every kernel in. Exits 1 over budget. e2e/package.test.ts
// asserts the same after its build, so `npm test` (CI) fails over budget. Also reports
// dist/worker.js ('webgpu-train/worker', which imports dist/index.js rather than holding it) against
// its own small budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

export const BUNDLE_BUDGET = 48 * 1024;
export const DIST_JS = fileURLToPath(new URL('../dist/index.js', import.meta.url));
/** dist/worker.js alone (its import of './index.js' not followed): the helper's own code. */
export const WORKER_BUDGET = 5 * 1024;
export const WORKER_JS = fileURLToPath(new URL('../dist/worker.js', import.meta.url));

export interface BundleSize {
  raw: number;
  minified: number;
  gzipped: number;
}

export async function bundleSize(file = DIST_JS): Promise<BundleSize> {
  const code = readFileSync(file, 'utf8');
  const minified = (await transform(code, { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' })).code;
  return { raw: Buffer.byteLength(code), minified: Buffer.byteLength(minified), gzipped: gzipSync(minified, { level: 9 }).length };
}

export function describeSize(s: BundleSize, file = 'dist/index.js', budget = BUNDLE_BUDGET): string {
  return `${file}: ${s.raw} B, ${s.minified} B minified, ${s.gzipped} B minified + gzipped (budget ${budget} B, ${budget - s.gzipped} B left)`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let over = false;
  for (const [file, path, budget] of [
    ['dist/index.js', DIST_JS, BUNDLE_BUDGET],
    ['dist/worker.js', WORKER_JS, WORKER_BUDGET],
  ] as const) {
    const size = await bundleSize(path);
    console.log(describeSize(size, file, budget));
    if (size.gzipped > budget) {
      console.error(`${file} over budget by ${size.gzipped - budget} B`);
      over = true;
    }
  }
  if (over) process.exit(1);
}

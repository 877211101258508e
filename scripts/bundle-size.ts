// `npm run size`: dist/index.js (from `npm run build`) minified with esbuild and gzipped at level 9,
// against the budget of issue 14: 48 KB with every kernel in. Exits 1 over budget. e2e/package.test.ts
// asserts the same after its build, so `npm test` (CI) fails over budget.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

export const BUNDLE_BUDGET = 48 * 1024;
export const DIST_JS = fileURLToPath(new URL('../dist/index.js', import.meta.url));

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

export function describeSize(s: BundleSize): string {
  return `dist/index.js: ${s.raw} B, ${s.minified} B minified, ${s.gzipped} B minified + gzipped (budget ${BUNDLE_BUDGET} B, ${BUNDLE_BUDGET - s.gzipped} B left)`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const size = await bundleSize();
  console.log(describeSize(size));
  if (size.gzipped > BUNDLE_BUDGET) {
    console.error(`over budget by ${size.gzipped - BUNDLE_BUDGET} B`);
    process.exit(1);
  }
}

// Node module-customization hooks that give `?raw` imports Vite's meaning: the default export is the
// file's text. Vite and Vitest do this themselves; plain Node (and tsx) do not, so scripts run with
// `node --import ./scripts/register-raw.mjs --import tsx file.ts` load WGSL the same way the library
// does in the browser build.
import { readFile } from 'node:fs/promises';

const RAW = /\?raw$/;

export async function resolve(specifier, context, nextResolve) {
  if (!RAW.test(specifier)) return nextResolve(specifier, context);
  // Resolve the bare path through the rest of the chain (relative paths, package exports), then
  // put the query back so load() below recognises it.
  const resolved = await nextResolve(specifier.replace(RAW, ''), context);
  return { ...resolved, url: `${resolved.url.replace(/\?.*$/, '')}?raw`, format: 'module', shortCircuit: true };
}

export async function load(url, context, nextLoad) {
  if (!RAW.test(url)) return nextLoad(url, context);
  const text = await readFile(new URL(url.replace(RAW, '')), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};\n`, shortCircuit: true };
}

// `node --import ./scripts/register-raw.mjs --import tsx file.ts`: registers the `?raw` hooks in
// raw-loader-hooks.mjs (file text as the default export, as in Vite). Put it before `--import tsx`.
import { register } from 'node:module';

register('./raw-loader-hooks.mjs', import.meta.url);

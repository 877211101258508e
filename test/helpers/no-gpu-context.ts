// Child process of test/node-setup.test.ts: createContext({ gpu: create([]) }) as a user's Node
// script calls it, started without scripts/webgpu-env.sh's environment. Prints one JSON line: the
// adapter when Dawn found one, else the error's name and message.
import { create } from 'webgpu';
import { createContext } from '../../src/index';

const gpu = create([]);
try {
  const ctx = await createContext({ gpu, autotune: false });
  process.stdout.write(`${JSON.stringify({ adapter: ctx.adapter })}\n`);
} catch (error) {
  const e = error as Error;
  process.stdout.write(`${JSON.stringify({ name: e.name, message: e.message })}\n`);
}

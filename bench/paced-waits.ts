// What waiting costs in Node: MLP S trained with the losses mapped as soon as each submit leaves
// (`pacedWaits: false`) and with paced waits (the default in Node; src/train/pacer.ts), alternating,
// in wall time and in this process's CPU time. Dawn's `webgpu` package ticks the device in a busy
// loop while a map is pending; on a CPU adapter that loop competes with the shaders for cores.
// `npm run -s bench:waits -- [--steps N] [--repeats N] [--json]`.
import { create } from 'webgpu';
import { createContext, GpuContext, Sequential } from '../src/index';
import { seededUniform } from './lib/stats';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const steps = flag('steps', 48);
const repeats = flag('repeats', 3);
const batch = 256;
const gpu = create([]);
const x = seededUniform(1, batch * steps * 784);
const y = seededUniform(2, batch * steps * 10);
const fit = { batchSize: batch, optimizer: 'momentum' as const, learningRate: 0.01, shuffle: false };

const contexts: GpuContext[] = [];

async function modelFor(pacedWaits: boolean): Promise<Sequential> {
  const ctx = await createContext({ gpu, pacedWaits });
  contexts.push(ctx);
  const model = await Sequential.create({ inputSize: 784, layers: [{ units: 256, activation: 'relu' }, { units: 10 }], loss: 'mse', init: 'he', seed: 1, backend: ctx });
  await model.fit(x, y, fit); // untimed: uploads the data, records the step, warms the pacer
  return model;
}

const models = { eager: await modelFor(false), paced: await modelFor(true) };
const samples: Record<keyof typeof models, { ms: number; cpuMs: number }[]> = { eager: [], paced: [] };
for (let r = 0; r < repeats; r++) {
  for (const name of ['eager', 'paced'] as const) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await models[name].fit(x, y, fit);
    const c = process.cpuUsage(c0);
    samples[name].push({ ms: (performance.now() - t0) / steps, cpuMs: (c.user + c.system) / 1000 / steps });
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const summary = Object.fromEntries(
  Object.entries(samples).map(([name, s]) => [name, { msPerStep: Number(median(s.map((v) => v.ms)).toPrecision(4)), cpuMsPerStep: Number(median(s.map((v) => v.cpuMs)).toPrecision(4)), samples: s }]),
);
const adapter = contexts[0].adapter;
if (args.includes('--json')) {
  console.log(JSON.stringify({ date: new Date().toISOString(), model: 'MLP S 784-256-10, batch 256', steps, repeats, adapter, ...summary }));
} else {
  console.log(`MLP S, ${steps} steps per fit, median of ${repeats} fits each (alternating)`);
  for (const [name, s] of Object.entries(summary)) console.log(`${name.padEnd(6)} ${String(s.msPerStep).padStart(8)} ms/step   CPU ${s.cpuMsPerStep} ms/step`);
}
Object.values(models).forEach((m) => m.dispose());

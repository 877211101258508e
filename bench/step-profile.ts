// Per-kernel GPU times inside one training step (timestamp queries), for the MLP benchmark models:
// where a step's time goes. `npm run bench:step -- [--model S|M|L] [--repeats N] [--json]`.
// It reads the step the engine recorded (internal state of src/train/gpu_engine.ts: this script is a
// measuring tool, not an API user) and replays each dispatch in its own timed compute pass.
import { Sequential } from '../src/index';
import { encode, type Dispatch } from '../src/kernels/kernel';
import { openGpu } from './lib/device';
import { seededUniform } from './lib/stats';

const MODELS = { S: [784, 256, 10, 256], M: [784, 1024, 1024, 10, 1024], L: [784, 4096, 4096, 10, 4096] } as const;
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const name = (flag('model') ?? 'S') as keyof typeof MODELS;
if (!(name in MODELS)) throw new Error(`--model must be S, M or L`);
const repeats = Number(flag('repeats') ?? 5);
const spec = MODELS[name];
const batch = spec[spec.length - 1];
const widths = spec.slice(0, -1);

const { ctx, adapter, timestamps } = await openGpu();
if (!timestamps) throw new Error('this adapter has no timestamp-query: per-kernel times are not available');
const model = await Sequential.create({
  inputSize: widths[0],
  layers: widths.slice(1).map((units, i) => ({ units, activation: i === widths.length - 2 ? 'linear' : 'relu' })),
  loss: 'mse',
  init: 'he',
  seed: 1,
  backend: ctx,
});
const rows = batch * 2;
const x = seededUniform(1, rows * widths[0]);
const y = seededUniform(2, rows * widths[widths.length - 1]);
await model.fit(x, y, { batchSize: batch, optimizer: 'momentum', learningRate: 0.01 }); // records the step plan

const engine = (model as unknown as { engine: { plans: Map<string, { dispatches: Dispatch[] }> } }).engine;
const key = [...engine.plans.keys()].find((k) => k.includes(`:train:${batch}:`));
if (!key) throw new Error('no training step plan was recorded');
const dispatches = engine.plans.get(key)!.dispatches;
const device = ctx.device;
const n = dispatches.length;
const querySet = device.createQuerySet({ type: 'timestamp', count: 2 * n });
const resolved = device.createBuffer({ size: 16 * n, usage: 0x200 | 0x4 }); // QUERY_RESOLVE | COPY_SRC
const readback = device.createBuffer({ size: 16 * n, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
const samples: number[][] = dispatches.map(() => []);
for (let r = 0; r < repeats + 1; r++) {
  const encoder = device.createCommandEncoder();
  dispatches.forEach((d, i) => {
    const pass = encoder.beginComputePass({ timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
    encode(pass, [d], 0);
    pass.end();
  });
  encoder.resolveQuerySet(querySet, 0, 2 * n, resolved, 0);
  encoder.copyBufferToBuffer(resolved, 0, readback, 0, 16 * n);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(1);
  const t = new BigInt64Array(readback.getMappedRange().slice(0));
  readback.unmap();
  if (r > 0) dispatches.forEach((_, i) => samples[i].push(Number(t[2 * i + 1] - t[2 * i]) / 1e6)); // first round: warm-up
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const kernels = dispatches.map((d, i) => ({ kernel: d.pipeline.label || `dispatch ${i}`, workgroups: d.workgroups, ms: median(samples[i]) }));
const total = kernels.reduce((s, k) => s + k.ms, 0);
if (args.includes('--json')) {
  console.log(JSON.stringify({ date: new Date().toISOString(), model: name, layers: widths.join('-'), batch, adapter, matmulCore: ctx.matmulCore, repeats, kernels, totalMs: total }));
} else {
  console.log(`MLP ${name} ${widths.join('-')}, batch ${batch}, ${adapter.description || adapter.architecture}, matmul core ${ctx.matmulCore}; median of ${repeats}, each dispatch in its own pass`);
  for (const k of kernels) console.log(`${k.kernel.padEnd(22)} ${k.ms.toFixed(3).padStart(9)} ms  ${((100 * k.ms) / total).toFixed(1).padStart(5)}%  workgroups ${k.workgroups.join('×')}`);
  console.log(`${'sum'.padEnd(22)} ${total.toFixed(3).padStart(9)} ms`);
}
model.dispose();

// Times each dispatch of a model's training step on this machine's WebGPU adapter (Node):
//   npm run -s run-ts -- bench/profile-plan.ts [cnn|mlp] [batch]
// Each dispatch is recorded 10 times into one command buffer and timed to onSubmittedWorkDone, so
// the figure is its own cost (on SwiftShader, close to its share of a step). A development tool:
// it reaches into the GPU engine's compiled plan.
import { create } from 'webgpu';
import { createContext, Sequential } from '../src/index';
import { encode } from '../src/kernels/kernel';
import { optimizerSettings } from '../src/optimizers/settings';
import { planStep } from '../src/plan/planner';
import { MNIST_CNN_LAYERS } from '../scripts/train-args';

const which = process.argv[2] ?? 'cnn';
const batch = Number(process.argv[3] ?? 64);
const ctx = await createContext({ gpu: create([]) });
const layers = which === 'cnn' ? MNIST_CNN_LAYERS : [{ units: 128, activation: 'relu' as const }, { units: 10, activation: 'softmax' as const }];
const model = await Sequential.create(which === 'cnn' ? { inputShape: [1, 28, 28], layers, backend: ctx } : { inputSize: 784, layers, backend: ctx });
const rows = batch * 2;
const data = { rows, x: new Float32Array(rows * 784).map((_, i) => (Math.sin(i) + 1) / 2), y: new Float32Array(rows * 10).map((_, i) => (i % 11 === 0 ? 1 : 0)) };
const { module: optimizer, settings } = optimizerSettings({ optimizer: 'momentum' });
const rule = { optimizer, settings };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const engine = (model as any).engine;
const { full, gd } = await engine.plansFor('train', data, batch, rule, false);
engine.writeSteps(batch, [{ lr: 0.01, stepSize: 0, bc2Sqrt: 1, decay: 1, counter: 0 }]);
ctx.write(gd.order, 0, new Uint32Array(rows).map((_, i) => i));
const plan = planStep({ cfg: model.config, layout: model.layout }, 'train', batch, rule);
const REPEATS = 10;
let total = 0;
const lines: [string, number][] = [];
for (const [i, d] of full.dispatches.entries()) {
  const run = async () => {
    const encoder = ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    encode(pass, Array(REPEATS).fill(d), 0);
    pass.end();
    ctx.device.queue.submit([encoder.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
  };
  await run();
  const t = performance.now();
  await run();
  const ms = (performance.now() - t) / REPEATS;
  total += ms;
  const inv = plan.invocations[i];
  lines.push([`${inv.kernel} ${JSON.stringify(inv.grid)}`, ms]);
}
for (const [label, ms] of lines) console.log(`${ms.toFixed(2).padStart(8)} ms  ${label}`);
console.log(`${total.toFixed(1).padStart(8)} ms  total (batch ${batch}, ${which}, ${JSON.stringify(ctx.adapter)})`);
model.dispose();

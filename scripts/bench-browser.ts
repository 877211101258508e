// `npm run bench:browser [-- --json] [--steps N] ...`: the browser benchmark (bench/browser/) in
// headless Chromium through the e2e harness (Vite dev server at the repository root + Chromium with
// WebGPU; SwiftShader when the machine has no GPU). Trains MLP S with this library and with
// TensorFlow.js's WebGPU backend in the same page after a correctness check against the CPU backend,
// and prints ms/step, samples/s and the speed-up, human-readably or (--json) as one JSON object.
import os from 'node:os';
import { startE2E, WEBGPU_ARGS } from '../e2e/browser';
import { MNIST_CNN_BENCH_LAYERS } from './mnist-cnn';
import { PROGRESS_PREFIX, RESULT_PREFIX, type BenchResult, type TfjsTiming } from '../bench/browser/common';

const USAGE = `usage: npm run bench:browser -- [options]
  --json               print exactly one JSON object on stdout (progress goes to stderr)
  --steps N            training steps per timed call (default 32 on a software adapter, else 64)
  --repeats N          timed rounds (one call per engine setting each, interleaved); the median
                       counts (default 2 on a software adapter, else 7)
  --warmup N           untimed calls per engine first (default 1)
  --probe-steps N      steps of each TF.js flag probe call (default 8)
  --probe-repeats N    timed calls per TF.js flag probe (default 1)
  --batch N            batch size (default 256)
  --lr X               learning rate (default 0.01)
  --seed N             seed of the weights and data (default 1)
  --cnn-steps N        CNN (MNIST_CNN_BENCH_LAYERS) steps per timed call (default 2 on a software adapter, else 32)
  --cnn-repeats N      CNN timed rounds (default 2 on a software adapter, else 7)
  --cnn-batch N        CNN batch size (default 64)
  --no-cnn             skip the CNN
  --chromium-arg ARG   extra Chromium flag (repeatable), e.g. --chromium-arg=--use-angle=vulkan
  --serve              only start the dev server and print the page's URL (open it in any browser)
Environment: CHROME_PATH (default /usr/bin/chromium).`;

class UsageError extends Error {}

interface Args {
  json: boolean;
  serve: boolean;
  query: URLSearchParams;
  chromiumArgs: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: false, serve: false, query: new URLSearchParams(), chromiumArgs: [] };
  const numeric: Record<string, string> = {
    '--steps': 'steps',
    '--repeats': 'repeats',
    '--warmup': 'warmup',
    '--probe-repeats': 'probeRepeats',
    '--probe-steps': 'probeSteps',
    '--batch': 'batch',
    '--lr': 'lr',
    '--seed': 'seed',
    '--cnn-steps': 'cnnSteps',
    '--cnn-repeats': 'cnnRepeats',
    '--cnn-batch': 'cnnBatch',
  };
  args.query.set('cnnLayers', JSON.stringify(MNIST_CNN_BENCH_LAYERS));
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      const v = value ?? argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--json') args.json = true;
    else if (arg === '--serve') args.serve = true;
    else if (arg === '--no-cnn') args.query.set('cnn', '0');
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (arg === '--chromium-arg') args.chromiumArgs.push(next());
    else if (arg in numeric) {
      const v = next();
      const n = Number(v);
      const integer = arg !== '--lr';
      if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`${arg} must be a positive ${integer ? 'whole ' : ''}number, got "${v}"`);
      args.query.set(numeric[arg], v);
    } else throw new UsageError(`unknown option ${arg}\n${USAGE}`);
  }
  return args;
}

const fmtNum = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const flagText = (t: TfjsTiming) => `CPU_FORWARD=${t.flags.WEBGPU_CPU_FORWARD}, DEFERRED_SUBMIT_BATCH_SIZE=${t.flags.WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE}`;

function printHuman(r: BenchResult & { host: Record<string, unknown> }): void {
  const a = r.machine.adapter;
  const lines = [
    `MLP S ${r.model.layers.join('-')} (relu, linear out), mse, momentum ${r.model.momentum}, lr ${r.model.learningRate}, batch ${r.model.batchSize}`,
    `machine: ${r.host.cpus} CPUs (${r.host.cpuModel}), ${r.host.browser}, ${r.date}, load average ${JSON.stringify(r.host.loadAverage)}`,
    `adapter: ${a ? `${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' · ')}${a.isFallbackAdapter ? ' (fallback/software adapter)' : ''}` : 'none'}`,
  ];
  if (r.correctness) {
    const c = r.correctness;
    lines.push(
      `correctness (${c.cpuLosses.length} steps, WebGPU vs CPU backend): worst relative difference ${c.gpuWorstRel} → ${c.ok ? 'ok' : 'FAILED'}` +
        (c.tfjsWorstRel !== null ? `; TF.js vs CPU backend ${c.tfjsWorstRel}` : ''),
    );
  }
  if (r.ours && r.tfjs) {
    const s = r.settings;
    lines.push(`timing: ${s.steps} steps per call, ${s.warmupCalls} warm-up call(s), median of ${s.repeats} interleaved round(s); TF.js ${r.tfjs.version}`);
    const rows: [string, number, number, string][] = [
      ['webgpu-train', r.ours.msPerStep, r.ours.samplesPerSecond, ''],
      ['TF.js default', r.tfjs.default.msPerStep, r.tfjs.default.samplesPerSecond, flagText(r.tfjs.default)],
      ['TF.js best', r.tfjs.best.msPerStep, r.tfjs.best.samplesPerSecond, flagText(r.tfjs.best)],
    ];
    lines.push(`  ${'engine'.padEnd(14)} ${'ms/step'.padStart(10)} ${'samples/s'.padStart(12)}  flags`);
    for (const [name, ms, sps, flags] of rows) lines.push(`  ${name.padEnd(14)} ${String(ms).padStart(10)} ${fmtNum(sps).padStart(12)}  ${flags}`);
    lines.push(`speed-up vs TF.js: ${r.speedupVsTfjs}× (TF.js at its faster timed setting), ${r.speedupVsTfjsDefault}× (at its defaults)`);
  }
  if (r.cnn) {
    const c = r.cnn;
    lines.push(`CNN (main job's, without its randomShift: MNIST_CNN_BENCH_LAYERS), batch ${c.batchSize}, softmax cross-entropy: check worst rel vs CPU ours ${c.correctness?.gpuWorstRel ?? '–'}, TF.js ${c.correctness?.tfjsWorstRel ?? '–'}`);
    if (c.ours && c.tfjs) {
      lines.push(`  ${c.settings.steps} steps per call, median of ${c.settings.repeats} interleaved round(s)`);
      for (const [name, ms, flags] of [
        ['webgpu-train', c.ours.msPerStep, ''],
        ['TF.js default', c.tfjs.default.msPerStep, flagText(c.tfjs.default)],
        ['TF.js flipped', c.tfjs.cpuForwardFlipped.msPerStep, flagText(c.tfjs.cpuForwardFlipped)],
      ] as const)
        lines.push(`  ${name.padEnd(14)} ${String(ms).padStart(10)} ms/step  ${flags}`);
      lines.push(`cnnSpeedupVsTfjs: ${c.speedupVsTfjs}× (TF.js at its faster timed setting), ${c.speedupVsTfjsDefault}× (at its defaults)`);
    }
  }
  if (!r.ok) lines.push(`FAILED: ${r.error}`);
  lines.push(`(${r.totalSeconds} s in the page)`);
  console.log(lines.join('\n'));
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const say = (m: string) => process.stderr.write(`${m}\n`);
  if (args.json) console.log = (...m: unknown[]) => console.error(...m); // stdout carries only the JSON

  const loadBefore = os.loadavg();
  const e2e = await startE2E({ args: args.chromiumArgs });
  try {
    if (args.serve) {
      await e2e.browser.close();
      say(`bench page: ${e2e.baseUrl}/bench/browser/index.html?${args.query}  (Ctrl-C to stop)`);
      await new Promise(() => {});
    }
    const query = new URLSearchParams(args.query);
    query.set('run', '0'); // started below, once the console listener is attached
    query.set('close', '0');
    const p = await e2e.open(`/bench/browser/index.html?${query}`);
    const lines: string[] = [];
    p.page.on('console', (m) => {
      const text = m.text();
      if (text.startsWith(RESULT_PREFIX)) lines.push(text.slice(RESULT_PREFIX.length));
      else if (text.startsWith(PROGRESS_PREFIX)) say(text);
      else if (m.type() === 'error' || m.type() === 'warning') say(`[page ${m.type()}] ${text}`);
    });
    let returned: BenchResult;
    try {
      returned = await p.call<BenchResult>('runBench');
    } catch (e) {
      say(`the bench page failed; its errors:\n  ${p.errors().join('\n  ') || '(none)'}`);
      throw e;
    }
    // The page's console line is the interface run-chromium.sh uses; check it says the same.
    const logged = lines.length === 1 ? (JSON.parse(lines[0]) as BenchResult) : null;
    if (!logged) say(`warning: expected one ${RESULT_PREFIX.trim()} console line, got ${lines.length}`);
    const cpus = os.cpus();
    const result = {
      ...(logged ?? returned),
      host: {
        cpus: cpus.length,
        cpuModel: cpus[0]?.model ?? 'unknown',
        platform: `${os.platform()} ${os.release()} ${os.arch()}`,
        memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
        /** 1/5/15-minute load averages before and after: other work on the machine skews timings. */
        loadAverage: { before: loadBefore.map((l) => Number(l.toFixed(2))), after: os.loadavg().map((l) => Number(l.toFixed(2))) },
        node: process.version,
        browser: `Chromium ${e2e.browser.version()}`,
        browserArgs: [...WEBGPU_ARGS, ...args.chromiumArgs],
      },
    };
    const errors = p.errors();
    if (errors.length) say(`page errors:\n  ${errors.join('\n  ')}`);
    if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else printHuman(result);
    return result.ok ? 0 : 1;
  } finally {
    await e2e.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof UsageError ? e.message : e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(2);
  },
);

// Markdown tables from a benchmark report (the object `--json` prints), so that RESULTS.md tables are
// generated from a run's JSON rather than typed: `npm run bench -- --from-json run.json`.

interface Timing {
  median: number;
  min: number;
  max: number;
}

interface EngineRun {
  msPerStep: Timing | null;
  cpuMsPerStep?: Timing | null;
  samplesPerSecond: number | null;
  tflops: number | null;
  error?: string;
}

interface MatmulEngine {
  ms: Timing | null;
  cpuMs?: Timing | null;
  tflops: number | null;
  gpuMs?: Timing | null;
  error?: string;
  check: { ok: boolean; worst: number }[];
}

export interface Report {
  date: string;
  command: string;
  machine: { cpus: number; cpuModel: string; loadAverage?: { before: number[]; after: number[] }; node: string };
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean };
  tfjs: { version: string; defaults: Record<string, unknown> } | null;
  settings?: {
    matmulCore?: string;
    matmul?: { core: string; workgroup: number };
    tuning?: { cached: boolean; ms: number; trials: { config: { core: string; workgroup: number }; ms: number | null }[] } | null;
  };
  source?: { commit: string; changedFiles: string[] } | null;
  skipped: { what: string; why: string }[];
  mlp: {
    model: string;
    layers: string;
    batch: number;
    steps: number;
    repeats: number;
    check: { ok: boolean; gpuWorstRel: number; tfjsWorstRel?: number } | null;
    webgpuTrain: EngineRun;
    tfjsDefault?: EngineRun;
    tfjsNoCpuForward?: EngineRun;
    matmulShare?: { msPerStep: number | null; fractionOfStep: number | null; cpuMsPerStep: number | null; fractionOfStepCpu: number | null };
    speedupVsTfjsDefault?: number | null;
    speedupVsTfjsBest?: number | null;
  }[];
  cnn?: {
    layers: string;
    batch: number;
    steps: number;
    repeats: number;
    check: { ok: boolean; gpuWorstRel: number; tfjsWorstRel?: number } | null;
    webgpuTrain: EngineRun;
    tfjsDefault?: EngineRun;
    tfjsNoCpuForward?: EngineRun;
    speedupVsTfjs?: number | null;
    error?: string;
  } | null;
  matmul: {
    size: string;
    variant: string;
    perCall: number;
    webgpuTrain: MatmulEngine;
    tfjs?: MatmulEngine;
    speedupVsTfjs?: number | null;
  }[];
}

const dash = '–';

function ms(t: Timing | null | undefined): string {
  return t ? `${t.median} (${t.min}–${t.max})` : dash;
}

function engine(r: EngineRun | undefined): [string, string, string, string] {
  if (!r) return [dash, dash, dash, dash];
  if (!r.msPerStep) return [`no number: ${r.error ?? 'not run'}`, dash, dash, dash];
  return [ms(r.msPerStep), r.cpuMsPerStep ? String(r.cpuMsPerStep.median) : dash, String(r.samplesPerSecond), String(r.tflops)];
}

export function markdownTables(report: Report): string {
  const lines: string[] = [];
  const load = report.machine.loadAverage;
  lines.push(
    `Run ${report.date} · \`${report.command}\` · ${report.machine.cpus} × ${report.machine.cpuModel}, Node ${report.machine.node}` +
      (load ? ` · load average (1/5/15 min) before ${load.before.join('/')}, after ${load.after.join('/')}` : ''),
  );
  lines.push(
    `Adapter: ${[report.adapter.vendor, report.adapter.architecture, report.adapter.description].filter(Boolean).join(' / ')}` +
      `${report.adapter.isFallbackAdapter ? ' (fallback adapter)' : ''}` +
      ` · webgpu-train matmul core: ${coreLabel(report.settings)} · TF.js ${report.tfjs?.version ?? 'not run'}` +
      (report.tfjs ? ` (defaults ${JSON.stringify(report.tfjs.defaults)})` : ''),
  );
  if (report.source) {
    const changed = report.source.changedFiles;
    lines.push(`Library: commit ${report.source.commit}${changed.length ? ` + uncommitted changes in ${changed.length} src/shaders files` : ''}`);
  }
  if (report.mlp.length) {
    lines.push('');
    lines.push('| MLP | check (worst rel. loss diff vs CPU) | engine | ms/step median (min–max) | CPU ms/step | samples/s | TFLOP/s | TF.js ÷ webgpu-train (wall) |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const m of report.mlp) {
      const check = m.check ? `${m.check.ok ? 'ok' : 'FAILED'} ${m.check.gpuWorstRel}${m.check.tfjsWorstRel !== undefined ? `; TF.js ${m.check.tfjsWorstRel}` : ''}` : dash;
      const name = `${m.model} ${m.layers}, batch ${m.batch} (${m.steps} steps × ${m.repeats})`;
      lines.push(`| ${name} | ${check} | webgpu-train | ${engine(m.webgpuTrain).join(' | ')} | 1 |`);
      if (m.tfjsDefault) lines.push(`| ${name} | | TF.js defaults | ${engine(m.tfjsDefault).join(' | ')} | ${m.speedupVsTfjsDefault ?? dash} |`);
      if (m.tfjsNoCpuForward) {
        const ratio = m.webgpuTrain.msPerStep && m.tfjsNoCpuForward.msPerStep ? Number((m.tfjsNoCpuForward.msPerStep.median / m.webgpuTrain.msPerStep.median).toPrecision(3)) : dash;
        lines.push(`| ${name} | | TF.js CPU_FORWARD=false | ${engine(m.tfjsNoCpuForward).join(' | ')} | ${ratio} |`);
      }
      if (m.matmulShare) {
        const sh = m.matmulShare;
        lines.push(`| ${name} | | its matmuls alone (plain matmul kernel) | ${sh.msPerStep ?? dash} (${sh.fractionOfStep ?? dash} of the step) | ${sh.cpuMsPerStep ?? dash} (${sh.fractionOfStepCpu ?? dash}) | | | |`);
      }
    }
  }
  if (report.cnn) {
    const c = report.cnn;
    const check = c.check ? `${c.check.ok ? 'ok' : 'FAILED'} ${c.check.gpuWorstRel}${c.check.tfjsWorstRel !== undefined ? `; TF.js ${c.check.tfjsWorstRel}` : ''}` : (c.error ?? dash);
    const ratio = (r: EngineRun | undefined) => (c.webgpuTrain.msPerStep && r?.msPerStep ? Number((r.msPerStep.median / c.webgpuTrain.msPerStep.median).toPrecision(3)) : dash);
    const row = (engineName: string, r: EngineRun | undefined, vs: string | number) => `| ${engineName} | ${engine(r).slice(0, 3).join(' | ')} | ${vs} |`;
    lines.push('', `CNN ${c.layers}, batch ${c.batch} (${c.steps} steps × ${c.repeats}); check (worst rel. loss diff vs CPU): ${check}; cnnSpeedupVsTfjs **${c.speedupVsTfjs ?? dash}**`, '');
    lines.push('| engine | ms/step median (min–max) | CPU ms/step | samples/s | TF.js ÷ webgpu-train (wall) |', '|---|---|---|---|---|');
    lines.push(row('webgpu-train', c.webgpuTrain, 1));
    if (c.tfjsDefault) lines.push(row('TF.js defaults', c.tfjsDefault, ratio(c.tfjsDefault)));
    if (c.tfjsNoCpuForward) lines.push(row('TF.js CPU_FORWARD=false', c.tfjsNoCpuForward, ratio(c.tfjsNoCpuForward)));
  }
  if (report.matmul.length) {
    lines.push('');
    lines.push('| matmul | variant | check | webgpu-train ms (min–max) | CPU ms | TFLOP/s | GPU ms (timestamps) | TF.js ms (min–max) | TF.js CPU ms | TF.js TFLOP/s | TF.js ÷ webgpu-train (wall) |');
    lines.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of report.matmul) {
      const ok = [...r.webgpuTrain.check, ...(r.tfjs?.check ?? [])];
      const check = ok.length ? (ok.every((c) => c.ok) ? `ok (worst ${Math.max(...ok.map((c) => c.worst))} of tol.)` : 'FAILED') : dash;
      const cpu = (e: MatmulEngine | undefined) => (e?.cpuMs ? String(e.cpuMs.median) : dash);
      const ours = r.webgpuTrain.ms ? [ms(r.webgpuTrain.ms), cpu(r.webgpuTrain), String(r.webgpuTrain.tflops)] : [`no number: ${r.webgpuTrain.error ?? ''}`, dash, dash];
      const theirs = r.tfjs?.ms ? [ms(r.tfjs.ms), cpu(r.tfjs), String(r.tfjs.tflops)] : [r.tfjs ? `no number: ${r.tfjs.error ?? ''}` : dash, dash, dash];
      lines.push(`| ${r.size} | ${r.variant} | ${check} | ${ours.join(' | ')} | ${r.webgpuTrain.gpuMs ? r.webgpuTrain.gpuMs.median : dash} | ${theirs.join(' | ')} | ${r.speedupVsTfjs ?? dash} |`);
    }
  }
  if (report.skipped.length) {
    lines.push('');
    lines.push('Skipped:');
    for (const s of report.skipped) lines.push(`- ${s.what}: ${s.why}`);
  }
  return lines.join('\n');
}

/** "quad 4×4, autotuned (…)" from a run's settings; older runs name only the core. */
function coreLabel(settings: Report['settings']): string {
  if (!settings?.matmulCore) return "'shared' (the only one then)";
  const m = settings.matmul;
  let label = m ? `${m.core} ${m.workgroup}×${m.workgroup}` : settings.matmulCore;
  const t = settings.tuning;
  if (t) {
    const trials = t.trials.map((x) => `${x.config.core} ${x.config.workgroup}: ${x.ms === null ? 'wrong' : `${x.ms.toFixed(2)} ms`}`).join(', ');
    label += t.cached ? ' (autotune: cached choice)' : ` (autotuned in ${Math.round(t.ms)} ms: ${trials})`;
  }
  return label;
}

/** What `npm run bench:browser -- --json` prints (scripts/bench-browser.ts), as far as the table needs it. */
export interface BrowserReport {
  benchmark: 'mlp-s';
  date: string;
  machine: { userAgent: string; hardwareConcurrency: number; adapter: { vendor: string; architecture: string; isFallbackAdapter: boolean } };
  model: { layers: number[]; batchSize: number };
  settings: { steps: number; repeats: number };
  correctness: { ok: boolean; gpuWorstRel: number; tfjsWorstRel?: number };
  ours: BrowserRun;
  tfjs?: { version: string; default: BrowserRun; best: BrowserRun };
  speedupVsTfjs?: number;
  speedupVsTfjsDefault?: number;
  host?: { cpus: number; cpuModel: string; loadAverage?: { before: number[]; after: number[] } };
}

interface BrowserRun {
  callMs: number[];
  msPerStep: number;
  samplesPerSecond: number;
  flags?: Record<string, unknown>;
}

export function isBrowserReport(json: unknown): json is BrowserReport {
  return (json as { benchmark?: unknown }).benchmark === 'mlp-s';
}

/** The table of a headless-Chromium run (MLP S, this engine and TF.js in the same page). */
export function browserTable(r: BrowserReport): string {
  const flags = (run: BrowserRun) => Object.entries(run.flags ?? {}).map(([k, v]) => `${k.replace(/^WEBGPU_/, '')}=${v}`).join(', ');
  const row = (engine: string, run: BrowserRun) => `| ${engine} | ${run.msPerStep} | ${run.samplesPerSecond} | ${run.callMs.join(', ')} |`;
  const load = r.host?.loadAverage;
  const lines = [
    `Run ${r.date} · \`npm run bench:browser\` · ${r.machine.userAgent.match(/HeadlessChrome\/[\d.]+/)?.[0] ?? 'Chromium'}, ${r.machine.hardwareConcurrency} cores` +
      (r.host ? ` (${r.host.cpus} × ${r.host.cpuModel})` : '') +
      (load ? ` · load average before ${load.before.join('/')}, after ${load.after.join('/')}` : ''),
    `Adapter: ${r.machine.adapter.vendor} / ${r.machine.adapter.architecture}${r.machine.adapter.isFallbackAdapter ? ' (fallback adapter)' : ''} · ` +
      `MLP ${r.model.layers.join('-')}, batch ${r.model.batchSize} · check: ${r.correctness.ok ? 'ok' : 'FAILED'}, worst relative loss difference vs CPU ${r.correctness.gpuWorstRel}` +
      (r.correctness.tfjsWorstRel !== undefined ? ` (TF.js ${r.correctness.tfjsWorstRel})` : ''),
    '',
    `| engine | ms/step (median of ${r.settings.repeats} calls of ${r.settings.steps} steps) | samples/s | calls (ms) |`,
    '|---|---|---|---|',
    row('webgpu-train', r.ours),
  ];
  if (r.tfjs) {
    lines.push(row(`TF.js ${r.tfjs.version} WebGPU, defaults (${flags(r.tfjs.default)})`, r.tfjs.default));
    lines.push(row(`TF.js ${r.tfjs.version} WebGPU, probed best (${flags(r.tfjs.best)})`, r.tfjs.best));
    lines.push('', `speedupVsTfjs **${r.speedupVsTfjs}** (against TF.js's faster setting); ${r.speedupVsTfjsDefault} against its defaults.`);
  }
  return lines.join('\n');
}

// Kernel page: runs test/kernel-cases.ts (the same cases and tolerances as the Node kernel test)
// on navigator.gpu through the library's createContext(), and reports every check as numbers.
// window.runKernelCases() resolves to a KernelPageResult; the page also shows a summary.
import { createContext } from '../../src/index';
import { KERNEL_CASES, MUST_FAIL_CASE, summarize, type CheckSummary, type KernelCase } from '../../test/kernel-cases';

export interface CaseReport {
  group: string;
  name: string;
  checks: CheckSummary[];
  /** A thrown error (e.g. a GPUValidationError from runKernel), or null. */
  error: string | null;
  /** True when the case needs quads (the 'quad' matmul core) and this device has none. */
  skipped: boolean;
  ms: number;
}

export interface KernelPageResult {
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean };
  cases: CaseReport[];
  /** The negative control (test/kernel-cases.ts MUST_FAIL_CASE): its check must fail. */
  mustFail: CaseReport;
  /** 'uncapturederror' events seen by this page's own listener on the device. */
  uncapturedErrors: string[];
  /** ctx.assertHealthy() after the run: null, or what it threw. */
  unhealthy: string | null;
  /** Buffers the context still tracks after every case (runKernel frees its own): 0. */
  buffersLeft: number;
  ms: number;
}

async function runCase(ctx: Awaited<ReturnType<typeof createContext>>, c: KernelCase): Promise<CaseReport> {
  const started = performance.now();
  if (c.needsQuads && !ctx.quads) return { group: c.group, name: c.name, checks: [], error: null, skipped: true, ms: 0 };
  try {
    const { checks } = await c.run(ctx);
    return { group: c.group, name: c.name, checks: checks.map(summarize), error: null, skipped: false, ms: performance.now() - started };
  } catch (e) {
    const error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { group: c.group, name: c.name, checks: [], error, skipped: false, ms: performance.now() - started };
  }
}

async function runKernelCases(filter?: string): Promise<KernelPageResult> {
  const status = document.getElementById('status')!;
  const started = performance.now();
  const ctx = await createContext();
  const uncapturedErrors: string[] = [];
  ctx.device.addEventListener('uncapturederror', (event) => {
    uncapturedErrors.push((event as GPUUncapturedErrorEvent).error.message);
  });
  const selected = filter ? KERNEL_CASES.filter((c) => c.name.includes(filter)) : KERNEL_CASES;
  const cases: CaseReport[] = [];
  for (const c of selected) {
    status.textContent = `running ${cases.length + 1}/${selected.length}: ${c.name}`;
    cases.push(await runCase(ctx, c));
  }
  const mustFail = await runCase(ctx, MUST_FAIL_CASE);
  let unhealthy: string | null = null;
  try {
    ctx.assertHealthy();
  } catch (e) {
    unhealthy = String(e);
  }
  const buffersLeft = ctx.stats().buffers;
  ctx.destroyAll();
  const failed = cases.filter((c) => c.error || !c.checks.length || c.checks.some((k) => !k.pass));
  status.textContent = `${cases.length} cases, ${failed.length} failed`;
  document.getElementById('out')!.textContent = failed.map((c) => `${c.name}: ${c.error ?? JSON.stringify(c.checks)}`).join('\n');
  return { adapter: ctx.adapter, cases, mustFail, uncapturedErrors, unhealthy, buffersLeft, ms: performance.now() - started };
}

declare global {
  interface Window {
    runKernelCases: typeof runKernelCases;
  }
}
window.runKernelCases = runKernelCases;
document.getElementById('status')!.textContent = 'ready: call runKernelCases()';

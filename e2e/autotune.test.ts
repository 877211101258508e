// The start-up autotune in a browser: it times every candidate (all of them correct), keeps the
// fastest, and stores the choice in localStorage so that the next context (or page load) on the
// same adapter skips the trials; the quad probe finds Chromium's SwiftShader quads usable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './browser';

interface TuneReport {
  first: { cached: boolean; trials: { config: { core: string; workgroup: number }; ms: number | null }[]; matmul: { core: string; workgroup: number } } | null;
  second: { cached: boolean; trials: unknown[]; matmul: { core: string; workgroup: number } } | null;
  chosen: { core: string; workgroup: number };
  quads: boolean;
  stored: (string | null)[];
}

describe('matmul autotune in headless Chromium', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('times the candidates, keeps the fastest and caches the choice in localStorage', async () => {
    const p = await e2e.open('/e2e/pages/smoke.html');
    const r = (await p.evaluate(async (path) => {
      // new Function keeps the import() out of Vitest's reach (as in E2EPage.callExport).
      const load = new Function('p', 'return import(p)') as (p: string) => Promise<any>;
      const lib = await load(path);
      localStorage.clear();
      const a = await lib.createContext({ autotune: true });
      const b = await lib.createContext({ autotune: true });
      const keys = Object.keys(localStorage).filter((k) => k.startsWith('webgpu-train:matmul-tune:'));
      return { first: a.tuning, second: b.tuning, chosen: b.matmul, quads: a.quads, stored: keys.map((k) => localStorage.getItem(k)) };
    }, '/src/index.ts')) as TuneReport;
    console.log('autotune:', JSON.stringify(r.first));
    expect(r.quads).toBe(true); // SwiftShader in Chromium has subgroups with 4-wide quads in order
    expect(r.first!.cached).toBe(false);
    expect(r.first!.trials.length).toBeGreaterThanOrEqual(3);
    for (const t of r.first!.trials) expect(t.ms).toBeGreaterThan(0); // null would mean a wrong product
    const fastest = r.first!.trials.reduce((x, y) => (y.ms! < x.ms! ? y : x));
    expect(r.first!.matmul).toEqual(fastest.config);
    expect(r.second!.cached).toBe(true);
    expect(r.second!.trials).toEqual([]);
    expect(r.chosen).toEqual(fastest.config);
    expect(r.stored).toEqual([JSON.stringify(fastest.config)]);
    expect(p.errors()).toEqual([]);
  }, 120_000);
});

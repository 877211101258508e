// Every WGSL kernel against the CPU reference in Chromium's WebGPU, with the cases and tolerances of
// the Node kernel test (both come from test/kernel-cases.ts). The page runs the whole list once
// (e2e/pages/kernels.ts); each case is then asserted as its own test, named as in Node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KERNEL_CASES, MUST_FAIL_CASE } from '../test/kernel-cases';
import { startE2E, type E2E, type E2EPage } from './browser';
import type { KernelPageResult } from './pages/kernels';

describe('kernels in Chromium vs the CPU reference (test/kernel-cases.ts)', () => {
  let e2e: E2E;
  let p: E2EPage;
  let result: KernelPageResult;
  beforeAll(async () => {
    e2e = await startE2E();
    p = await e2e.open('/e2e/pages/kernels.html');
    result = await p.call<KernelPageResult>('runKernelCases');
    console.log(`adapter ${JSON.stringify(result.adapter)}: ${result.cases.length} cases in ${(result.ms / 1000).toFixed(1)} s`);
    // The whole list runs in this hook: several hundred cases compile their pipelines on SwiftShader.
  }, 600_000);
  afterAll(async () => {
    await e2e?.close();
  });

  it('runs every case of the Node kernel test, in the same order', () => {
    expect(KERNEL_CASES.length).toBeGreaterThan(100);
    expect(result.cases).toHaveLength(KERNEL_CASES.length);
    expect(result.cases.map((c) => c.name)).toEqual(KERNEL_CASES.map((c) => c.name));
  });

  for (const [i, c] of KERNEL_CASES.entries()) {
    it(`${c.group} › ${c.name}`, ({ skip }) => {
      const r = result.cases[i];
      expect(r?.name).toBe(c.name);
      expect(r.error).toBeNull();
      if (r.skipped) return skip('the browser device has no usable quads (subgroups)');
      expect(r.checks.length).toBeGreaterThan(0);
      for (const check of r.checks) {
        expect(check.worstExcess, `${check.what}: ${JSON.stringify(check)}`).toBeLessThanOrEqual(0);
        expect(check.pass).toBe(true);
      }
    });
  }

  it(`${MUST_FAIL_CASE.name}`, () => {
    expect(result.mustFail.error).toBeNull();
    expect(result.mustFail.checks).toHaveLength(1);
    expect(result.mustFail.checks[0].worstExcess).toBeGreaterThan(0);
    expect(result.mustFail.checks[0].pass).toBe(false);
  });

  it('no uncaptured WebGPU error, validation error or console error', () => {
    expect(result.uncapturedErrors).toEqual([]);
    expect(result.unhealthy).toBeNull();
    expect(result.buffersLeft).toBe(0);
    expect(p.errors()).toEqual([]);
  });
});

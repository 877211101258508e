// Every WGSL kernel against its CPU reference function (src/cpu), on a real WebGPU device (Dawn).
// The cases, inputs and tolerances live in test/kernel-cases.ts, shared with the browser run
// (e2e/kernels.test.ts), so Node and Chromium check exactly the same things.
import { afterAll, describe, expect, it } from 'vitest';
import { testContext } from './helpers/gpu';
import { KERNEL_CASES, MUST_FAIL_CASE, summarize, worstExcess, type KernelCase } from './kernel-cases';

afterAll(async () => {
  (await testContext()).assertHealthy();
});

const groups = new Map<string, KernelCase[]>();
for (const c of KERNEL_CASES) groups.set(c.group, [...(groups.get(c.group) ?? []), c]);

for (const [group, cases] of groups) {
  describe(group, () => {
    for (const c of cases) {
      it(c.name, async ({ skip }) => {
        const ctx = await testContext();
        if (c.needsQuads && !ctx.quads) return skip('this device has no usable quads (subgroups)');
        const { checks } = await c.run(ctx);
        expect(checks.length).toBeGreaterThan(0);
        for (const check of checks) {
          const s = summarize(check);
          expect(s.worstExcess, `${check.what}: ${JSON.stringify(s)}`).toBeLessThanOrEqual(0);
        }
      });
    }
  });
}

it(MUST_FAIL_CASE.name, async () => {
  const { checks } = await MUST_FAIL_CASE.run(await testContext());
  expect(checks).toHaveLength(1);
  const [c] = checks;
  expect(worstExcess(c.actual, c.expected, c.atol, c.rtol)).toBeGreaterThan(0);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './browser';
import type { SmokeResult } from './pages/smoke';

describe('e2e harness: headless Chromium with WebGPU', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('gets an adapter and doubles an array with a compute shader', async () => {
    const p = await e2e.open('/e2e/pages/smoke.html');
    const r = await p.call<SmokeResult>('runSmoke', 1000);
    expect(r.hasGpu).toBe(true);
    expect(r.adapter, 'requestAdapter() returned null').not.toBeNull();
    console.log('adapter:', JSON.stringify(r.adapter));
    expect(r.output).toHaveLength(1000);
    r.output!.forEach((v, i) => expect(v).toBe(2 * (i - 7.5)));
    expect(p.errors()).toEqual([]);
  });

  it('can import the library source through Vite', async () => {
    const p = await e2e.open('/e2e/pages/smoke.html');
    const version = await p.callExport<string>('/src/index.ts', 'VERSION');
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(p.errors()).toEqual([]);
  });
});

describe('e2e harness: Chromium without WebGPU', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ webgpu: false });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('reports no adapter', async () => {
    const p = await e2e.open('/e2e/pages/smoke.html');
    const r = await p.call<SmokeResult>('runSmoke');
    expect(r.adapter).toBeNull();
    expect(r.output).toBeNull();
    expect(p.errors()).toEqual([]);
  });
});

// A browser without WebGPU: the page's createContext() throws WebGPUUnavailableError and the page
// shows its message. The same page in a WebGPU browser is the control: it says WebGPU is available.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './browser';

const PAGE = '/e2e/pages/nowebgpu.html';

describe('Chromium without WebGPU', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ webgpu: false });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('createContext() throws WebGPUUnavailableError and the page shows its message', async () => {
    const p = await e2e.open(PAGE);
    const r = await p.evaluate(() => window.webgpuCheck);
    console.log(`no-WebGPU browser: navigator.gpu ${r.hasNavigatorGpu ? 'exists' : 'is absent'}; ${r.errorName}: ${r.message}`);
    expect(r.state).toBe('unavailable');
    expect(r.errorName).toBe('WebGPUUnavailableError');
    // src/gpu/context.ts: "WebGPU is not available here." without navigator.gpu, "WebGPU is present
    // but no GPU adapter was found" when requestAdapter() resolves to null.
    expect(r.message).toMatch(r.hasNavigatorGpu ? /^WebGPU is present but no GPU adapter was found/ : /^WebGPU is not available here\./);
    const box = p.page.locator('#webgpu-error');
    await expect(box.isVisible()).resolves.toBe(true);
    expect(await box.textContent()).toBe(r.message);
    expect(await box.textContent()).toMatch(/WebGPU is (not available|present but no GPU adapter)/);
    expect(await box.textContent()).toContain('--enable-unsafe-webgpu');
    expect(await p.page.locator('#status').getAttribute('data-state')).toBe('unavailable');
    expect(p.errors()).toEqual([]);
  });
});

describe('the same page with WebGPU (control)', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('says WebGPU is available and shows no error', async () => {
    const p = await e2e.open(PAGE);
    const r = await p.evaluate(() => window.webgpuCheck);
    expect(r).toMatchObject({ state: 'available', hasNavigatorGpu: true, errorName: null, message: null });
    await expect(p.page.locator('#webgpu-error').isVisible()).resolves.toBe(false);
    expect(await p.page.locator('#status').getAttribute('data-state')).toBe('available');
    expect(p.errors()).toEqual([]);
  });
});

// No-WebGPU page: what an application does when the browser cannot train. On load it calls the
// library's createContext(); a WebGPUUnavailableError's message is shown in #webgpu-error, and
// #status gets data-state="unavailable" (or "available" / "failed"). window.webgpuCheck resolves to
// a NoWebGpuResult once the page has settled.
import { createContext, WebGPUUnavailableError } from '../../src/index';

export interface NoWebGpuResult {
  state: 'available' | 'unavailable' | 'failed';
  /** Whether navigator.gpu exists at all (it can, with requestAdapter() resolving to null). */
  hasNavigatorGpu: boolean;
  /** The error's class name and message, when createContext() threw. */
  errorName: string | null;
  message: string | null;
  adapter: string | null;
}

async function check(): Promise<NoWebGpuResult> {
  const status = document.getElementById('status')!;
  const box = document.getElementById('webgpu-error')!;
  const hasNavigatorGpu = 'gpu' in navigator && Boolean(navigator.gpu);
  let result: NoWebGpuResult;
  try {
    const ctx = await createContext();
    result = { state: 'available', hasNavigatorGpu, errorName: null, message: null, adapter: ctx.adapter.architecture || ctx.adapter.vendor };
    status.textContent = `WebGPU is available (${result.adapter}).`;
  } catch (e) {
    const error = e as Error;
    const state = e instanceof WebGPUUnavailableError ? 'unavailable' : 'failed';
    result = { state, hasNavigatorGpu, errorName: error?.name ?? null, message: error?.message ?? String(e), adapter: null };
    status.textContent = state === 'unavailable' ? 'This browser cannot train on the GPU.' : 'WebGPU check failed.';
    box.textContent = result.message;
    box.hidden = false;
  }
  status.dataset.state = result.state;
  return result;
}

declare global {
  interface Window {
    webgpuCheck: Promise<NoWebGpuResult>;
  }
}
window.webgpuCheck = check();

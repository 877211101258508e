import { create } from 'webgpu';
import { createContext, type GpuContext } from '../../src/index';

let shared: Promise<GpuContext> | null = null;

/** One Dawn device per test file (SwiftShader where there is no GPU: see scripts/webgpu-env.sh). */
export function testContext(): Promise<GpuContext> {
  shared ??= createContext({ gpu: create([]) });
  return shared;
}

export { randomArray, worstExcess } from '../kernel-cases';

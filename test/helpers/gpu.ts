import { create } from 'webgpu';
import { GpuContext } from '../../src/gpu/context';

let shared: Promise<GpuContext> | null = null;

/** One Dawn device per test file (SwiftShader where there is no GPU: see scripts/webgpu-env.sh). */
export function testContext(): Promise<GpuContext> {
  shared ??= GpuContext.create({ gpu: create([]) });
  return shared;
}

export { randomArray, worstExcess } from '../kernel-cases';

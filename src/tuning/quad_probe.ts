// Whether the 'quad' matmul core may run on this device: the device has subgroups, and in every
// workgroup shape the core launches with, each quad is four consecutive invocations along x.
import { runKernel } from '../kernels/run.js';
import type { GpuContext } from '../gpu/context.js';

/** The workgroup shapes (x, y) the quad core is launched with (matmulLaunch). */
const SHAPES: [number, number][] = [[4, 4], [8, 8]];

export async function quadLanesInOrder(ctx: GpuContext): Promise<boolean> {
  if (!ctx.device.features.has('subgroups')) return false;
  try {
    for (const [x, y] of SHAPES) {
      const n = x * y;
      const out = await runKernel(ctx, 'quadProbe', {
        constants: { PROBE_X: x, PROBE_Y: y },
        uniforms: {},
        buffers: { lanes: new Uint32Array(4 * n) },
        workgroups: [1, 1, 1],
      });
      const lanes = new Uint32Array(out.lanes.buffer, out.lanes.byteOffset, 4 * n);
      for (let i = 0; i < n; i++) {
        for (let l = 0; l < 4; l++) if (lanes[4 * i + l] !== (i & ~3) + l) return false;
      }
    }
    return true;
  } catch {
    return false; // a device that cannot compile the probe does not get the quad core
  }
}

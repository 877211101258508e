// The CPU engine's interpreter (src/kernels/twins.ts) against the WGSL it stands in for: each twin
// below must take exactly the storage bindings its kernel declares (by name, as the planner binds
// them), read only params fields the kernel's Params struct has, and write every element of every
// buffer the kernel writes. Read from the WGSL by reflection; no GPU needed. (Whether the numbers
// agree with the GPU is test/kernel-cases.ts's job: its dropout and layer norm cases run through CPU_TWINS.)
import { describe, expect, it } from 'vitest';
import * as cpu from '../src/cpu';
import { ShapeError } from '../src/errors';
import { kernelInfo } from '../src/kernels/kernel';
import type { KernelName } from '../src/kernels/sources';
import { CPU_TWINS, type Tensor } from '../src/kernels/twins';
import type { StepValues } from '../src/plan/types';
import { ACTIVATION_ID } from '../src/types';
import { mulberry32, uniformArray } from './helpers/random';

interface TwinCase {
  kernel: KernelName;
  params: Record<string, number>;
  constants?: Record<string, number | boolean>;
  /** Length of every storage binding. */
  sizes: Record<string, number>;
  /** Bindings holding u32 (the rest are f32). */
  u32?: string[];
  /** Inputs that must be more than numbers in [0.5, 1.5) (max pooling's argmax). */
  inputs?: () => Record<string, Tensor>;
}

const pool = { batch: 2, channels: 2, inH: 5, inW: 6, kh: 2, kw: 3, sh: 2, sw: 3 };
const poolParams = { ...pool, outH: cpu.convOutputSize(5, 2, 2, 0), outW: cpu.convOutputSize(6, 3, 3, 0) };
const [pIn, pOut] = [2 * 2 * 5 * 6, 2 * 2 * poolParams.outH * poolParams.outW];
const ln = { rows: 3, features: 4 };

const CASES: TwinCase[] = [
  { kernel: 'activationForward', params: { count: 10 }, constants: { ACTIVATION: ACTIVATION_ID.tanh }, sizes: { u: 10, z: 10 } },
  { kernel: 'maxPool2dForward', params: poolParams, sizes: { x: pIn, y: pOut, argmax: pOut }, u32: ['argmax'] },
  {
    kernel: 'maxPool2dBackward',
    params: poolParams,
    sizes: { delta: pOut, argmax: pOut, dx: pIn },
    u32: ['argmax'],
    inputs: () => {
      const argmax = new Uint32Array(pOut);
      cpu.maxPool2dForward(new Float32Array(pOut), argmax, Float32Array.from(uniformArray(mulberry32(3), pIn)), 2, 2, 5, 6, 2, 3, 2, 3);
      return { argmax };
    },
  },
  { kernel: 'avgPool2dForward', params: poolParams, sizes: { x: pIn, y: pOut } },
  { kernel: 'avgPool2dBackward', params: poolParams, sizes: { delta: pOut, dx: pIn } },
  {
    kernel: 'dropoutForward',
    params: { count: 10, threshold: cpu.dropoutThreshold(0.5), scale: cpu.dropoutScale(0.5), seed: 7, layer: 1 },
    sizes: { x: 10, y: 10, mask: 10 },
  },
  { kernel: 'dropoutBackward', params: { count: 10, scale: 2 }, sizes: { delta: 10, mask: 10, dx: 10 } },
  { kernel: 'layerNormForward', params: { ...ln, epsilon: 1e-5 }, sizes: { x: 12, gamma: 4, beta: 4, y: 12, mean: 3, rstd: 3 } },
  { kernel: 'layerNormBackwardInput', params: ln, sizes: { dy: 12, x: 12, gamma: 4, mean: 3, rstd: 3, dx: 12 } },
  { kernel: 'layerNormBackwardParams', params: ln, sizes: { dy: 12, x: 12, mean: 3, rstd: 3, dgamma: 4, dbeta: 4 } },
];

const STEP: StepValues = { start: 0, slot: 0, lr: 0.1, stepSize: 0.1, bc2Sqrt: 1, decay: 1, counter: 5 };
const UNSET = 0xffffffff;

/** A record that remembers which keys were read and throws on a key it does not hold. */
function recording<T>(values: Record<string, T>, what: string, seen: Set<string>): Record<string, T> {
  return new Proxy(values, {
    get(target, key) {
      if (typeof key !== 'string') return undefined;
      if (!(key in target)) throw new Error(`the twin read ${what} "${key}", which the kernel does not declare`);
      seen.add(key);
      return target[key];
    },
  });
}

describe('CPU twins take the bindings and params their WGSL declares', () => {
  for (const c of CASES) {
    it(c.kernel, () => {
      const { bindings } = kernelInfo(c.kernel).layout;
      const storage = bindings.filter((b) => b.kind !== 'uniform');
      expect(Object.keys(c.sizes).sort(), 'the case sizes every storage binding').toEqual(storage.map((b) => b.name).sort());
      const members = bindings.find((b) => b.name === 'params')!.members.map((m) => m.name);
      expect(Object.keys(c.params).sort(), 'the case gives every params field').toEqual([...members].sort());

      const rng = mulberry32(c.kernel.length);
      const tensors: Record<string, Tensor> = {};
      for (const b of storage) {
        const n = c.sizes[b.name];
        const isU32 = c.u32?.includes(b.name);
        if (b.kind === 'storage') tensors[b.name] = isU32 ? new Uint32Array(n).fill(UNSET) : new Float32Array(n).fill(NaN);
        else tensors[b.name] = c.inputs?.()[b.name] ?? (isU32 ? new Uint32Array(n) : Float32Array.from(uniformArray(rng, n, 0.5, 1.5)));
      }
      const [usedTensors, usedParams] = [new Set<string>(), new Set<string>()];
      CPU_TWINS[c.kernel]!(recording(tensors, 'binding', usedTensors), recording(c.params, 'params field', usedParams), c.constants ?? {}, STEP);

      expect([...usedTensors].sort(), 'bindings the twin uses').toEqual(storage.map((b) => b.name).sort());
      for (const b of storage.filter((s) => s.kind === 'storage')) {
        const out = tensors[b.name];
        const unset = Array.from(out).filter((v) => (out instanceof Uint32Array ? v === UNSET : Number.isNaN(v))).length;
        expect(unset, `elements of ${b.name} the twin left unwritten`).toBe(0);
      }
    });
  }

  it('a pooling plan whose outH/outW disagree with the sizes is refused (ShapeError)', () => {
    const p = { x: new Float32Array(pIn), y: new Float32Array(pOut + 100) };
    expect(() => CPU_TWINS.avgPool2dForward!(p, { ...poolParams, outH: poolParams.outH - 1 }, {}, STEP)).toThrow(ShapeError);
  });

  it('dropoutForward draws its mask from step.counter', () => {
    const run = (counter: number) => {
      const t = { x: new Float32Array(64).fill(1), y: new Float32Array(64), mask: new Float32Array(64) };
      CPU_TWINS.dropoutForward!(t, { count: 64, threshold: cpu.dropoutThreshold(0.5), scale: 2, seed: 3, layer: 0 }, {}, { ...STEP, counter });
      return Array.from(t.mask);
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });
});

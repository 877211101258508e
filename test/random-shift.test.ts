// randomShift (augmentation layer): the CPU twin against hand-computed shifts, its backward as the
// exact adjoint of its forward, the offsets' range and spread, the layer's identity at inference,
// resuming a checkpoint bit-identically, and typed errors for bad specs. The GPU kernel is held to
// the twin bit for bit in test/kernel-cases.ts ('dropout and layer norm' group), and a GPU net with
// the layer trains as the CPU one in test/cnn-model.test.ts.
import { describe, expect, it } from 'vitest';
import { randomShift, shiftOffsets } from '../src/cpu/random_shift';
import { ConfigError, Sequential, type LayerSpec } from '../src/index';
import { randomArray } from './helpers/gpu';

/** The first step counter at which image 0 of layer 0, seed 1, gets the offset [dy, dx]. */
function counterFor(dy: number, dx: number, max: number): number {
  for (let c = 0; c < 10_000; c++) {
    const [a, b] = shiftOffsets(1, 0, c, 0, max, max);
    if (a === dy && b === dx) return c;
  }
  throw new Error('no counter gives that offset');
}

describe('randomShift twin', () => {
  // x = 1..9 as a 3×3 image. Shifted by dy = 1 (down), dx = −1 (left): y[i][j] = x[i − 1][j + 1].
  const x = Float32Array.from({ length: 9 }, (_, i) => i + 1);
  it('moves an image by its offset with zero fill (dy = 1, dx = −1), and back for the adjoint', () => {
    const counter = counterFor(1, -1, 1);
    const y = new Float32Array(9);
    randomShift(y, x, 9, 1, 3, 3, 1, 1, 1, 1, 0, counter);
    expect(Array.from(y)).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0]);
    // Sᵀ moves up and right: ∂x[i][j] = δ[i + 1][j − 1].
    const back = new Float32Array(9);
    randomShift(back, x, 9, 1, 3, 3, 1, 1, -1, 1, 0, counter);
    expect(Array.from(back)).toEqual([0, 4, 5, 0, 7, 8, 0, 0, 0]);
  });

  it('offset (0, 0) copies; channels share their image\'s offset', () => {
    const counter = counterFor(0, 0, 1);
    const two = Float32Array.from({ length: 18 }, (_, i) => i);
    const y = new Float32Array(18);
    randomShift(y, two, 18, 2, 3, 3, 1, 1, 1, 1, 0, counter);
    expect(Array.from(y)).toEqual(Array.from(two));
    const c2 = counterFor(-1, 0, 1); // up by one: y[i][j] = x[i + 1][j] in both channels
    randomShift(y, two, 18, 2, 3, 3, 1, 1, 1, 1, 0, c2);
    expect(Array.from(y)).toEqual([3, 4, 5, 6, 7, 8, 0, 0, 0, 12, 13, 14, 15, 16, 17, 0, 0, 0]);
  });

  it('backward is the exact adjoint of forward: <S x, d> = <x, Sᵀ d> (float64 sums)', () => {
    for (const [rows, c, h, w, my, mx] of [[5, 3, 7, 6, 2, 3], [3, 1, 28, 28, 2, 2], [4, 2, 5, 5, 4, 0]]) {
      const n = rows * c * h * w;
      const xs = randomArray(11 + n, n);
      const d = randomArray(12 + n, n);
      const [sx, std] = [new Float32Array(n), new Float32Array(n)];
      randomShift(sx, xs, n, c, h, w, my, mx, 1, 9, 3, 17);
      randomShift(std, d, n, c, h, w, my, mx, -1, 9, 3, 17);
      let [left, right] = [0, 0];
      for (let i = 0; i < n; i++) {
        left += sx[i] * d[i];
        right += xs[i] * std[i];
      }
      expect(Math.abs(left - right)).toBeLessThan(1e-9 * n);
      expect(sx.some((v, i) => v !== xs[i])).toBe(true);
    }
  });

  it('offsets cover [−max, max] on each axis, each value within 6σ of uniform over 20,000 draws', () => {
    const [my, mx] = [2, 3];
    const counts = [new Array(2 * my + 1).fill(0), new Array(2 * mx + 1).fill(0)];
    const n = 20_000;
    for (let r = 0; r < n; r++) {
      const [dy, dx] = shiftOffsets(5, 1, Math.floor(r / 64), r % 64, my, mx);
      counts[0][dy + my]++;
      counts[1][dx + mx]++;
    }
    for (const axis of counts) {
      const p = 1 / axis.length;
      for (const k of axis) expect(Math.abs(k / n - p)).toBeLessThan(6 * Math.sqrt((p * (1 - p)) / n));
    }
  });

  it('refuses a count that is not whole images and a sign other than ±1', () => {
    expect(() => randomShift(new Float32Array(10), new Float32Array(10), 10, 1, 3, 3, 1, 1, 1, 0, 0, 0)).toThrow(ConfigError);
    expect(() => randomShift(new Float32Array(9), new Float32Array(9), 9, 1, 3, 3, 1, 1, 0, 0, 0, 0)).toThrow(/sign/);
  });
});

describe('randomShift layer', () => {
  const layers: LayerSpec[] = [{ type: 'randomShift', maxShift: 2 }, { type: 'conv2d', filters: 2, kernelSize: 3, activation: 'relu' }, { type: 'flatten' }, { units: 3, activation: 'softmax' }];
  const plain = layers.slice(1);
  const rows = 12;
  const x = randomArray(3, rows * 36, 0, 1);
  const labels = Uint8Array.from({ length: rows }, (_, i) => i % 3);
  const net = (l: LayerSpec[]) => Sequential.create({ inputShape: [1, 6, 6], layers: l, seed: 4, backend: 'cpu' });

  it('is the identity at inference and moves the images in training', async () => {
    const [a, b] = await Promise.all([net(layers), net(plain)]);
    await b.setWeights((await a.getWeights()).slice(1) as never);
    expect(Array.from(await a.predict(x))).toEqual(Array.from(await b.predict(x)));
    expect(await a.evaluate(x, labels)).toEqual(await b.evaluate(x, labels));
    const fit = { epochs: 1, batchSize: 4, learningRate: 0.1, shuffle: false };
    const [ha, hb] = [await a.fit(x, labels, fit), await b.fit(x, labels, fit)];
    expect(ha.loss[0]).not.toBe(hb.loss[0]);
    expect(a.summary().layers[0]).toMatchObject({ type: 'randomShift', outputShape: [null, 1, 6, 6], params: 0 });
  });

  it('resumes from a checkpoint bit-identically (the shifts are a function of the step count)', async () => {
    const fit = { epochs: 2, batchSize: 4, learningRate: 0.1 };
    const whole = await net(layers);
    await whole.fit(x, labels, { ...fit, epochs: 4 });
    const half = await net(layers);
    await half.fit(x, labels, fit);
    const resumed = await Sequential.load(await half.save(), { backend: 'cpu' });
    await resumed.fit(x, labels, fit);
    const [a, b] = [await whole.getWeights(), await resumed.getWeights()];
    expect(Array.from(b[1]!.weight)).toEqual(Array.from(a[1]!.weight));
  });

  it('refuses bad specs with ConfigErrors naming the layer and the fix', async () => {
    const bad = async (spec: Record<string, unknown>, inputShape: [number, number, number] | undefined, message: RegExp) => {
      const options = inputShape ? { inputShape } : { inputSize: 36 };
      await expect(Sequential.create({ ...options, layers: [spec as never, { type: 'flatten' }, { units: 2 }], backend: 'cpu' })).rejects.toThrow(ConfigError);
      await expect(Sequential.create({ ...options, layers: [spec as never, { type: 'flatten' }, { units: 2 }], backend: 'cpu' })).rejects.toThrow(message);
    };
    await bad({ type: 'randomShift' }, [1, 6, 6], /layers\[0\].*maxShift is required/);
    await bad({ type: 'randomShift', maxShift: -1 }, [1, 6, 6], /maxShift must be a whole number from 0/);
    await bad({ type: 'randomShift', maxShift: 1.5 }, [1, 6, 6], /maxShift must be a whole number/);
    await bad({ type: 'randomShift', maxShift: [1, 6] }, [1, 6, 6], /must be smaller than the image \(6×6\)/);
    await bad({ type: 'randomShift', maxShift: 1 }, undefined, /needs an image input/);
    await bad({ type: 'randomShift', maxShift: 1, max: 2 }, [1, 6, 6], /max/);
  });
});

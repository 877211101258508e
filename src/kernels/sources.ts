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
import matmulTileLib from '../../shaders/lib/matmul_tile.wgsl?raw';

export const KERNEL_SOURCES = {
  matmul: [matmul, matmulTileLib],
  denseForward: [denseForward, matmulTileLib, activationLib],
  denseBackwardInput: [denseBackwardInput, matmulTileLib, activationLib],
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

export function kernelSource(name: KernelName): string {
  return KERNEL_SOURCES[name].join('\n');
}

// The WGSL of every kernel, each with the library files it calls. WGSL has no #include: a kernel's
// module is its own file followed by its libraries (module-scope declarations may come in any order).
import activationForward from '../../shaders/activation_forward.wgsl?raw';
import activationBackward from '../../shaders/activation_backward.wgsl?raw';
import denseBackwardInput from '../../shaders/dense_backward_input.wgsl?raw';
import denseBackwardWeights from '../../shaders/dense_backward_weights.wgsl?raw';
import denseForward from '../../shaders/dense_forward.wgsl?raw';
import gatherRows from '../../shaders/gather_rows.wgsl?raw';
import gatherRowsVec4 from '../../shaders/gather_rows_vec4.wgsl?raw';
import matmul from '../../shaders/matmul.wgsl?raw';
import momentumUpdate from '../../shaders/momentum_update.wgsl?raw';
import mseLoss from '../../shaders/mse_loss.wgsl?raw';
import sgdUpdate from '../../shaders/sgd_update.wgsl?raw';
import sigmoidBce from '../../shaders/sigmoid_bce.wgsl?raw';
import softmaxCrossEntropy from '../../shaders/softmax_cross_entropy.wgsl?raw';
import softmaxForward from '../../shaders/softmax_forward.wgsl?raw';
import quadProbe from '../../shaders/quad_probe.wgsl?raw';
import nesterovUpdate from '../../shaders/nesterov_update.wgsl?raw';
import adamUpdate from '../../shaders/adam_update.wgsl?raw';
import rmspropUpdate from '../../shaders/rmsprop_update.wgsl?raw';
import gradNormPartial from '../../shaders/grad_norm_partial.wgsl?raw';
import gradNormScale from '../../shaders/grad_norm_scale.wgsl?raw';
import stepLib from '../../shaders/lib/step.wgsl?raw';
import optimizerGradientLib from '../../shaders/lib/optimizer_gradient.wgsl?raw';
import activationLib from '../../shaders/lib/activation.wgsl?raw';
import lossReduceLib from '../../shaders/lib/loss_reduce.wgsl?raw';
import matmulElementsLib from '../../shaders/lib/matmul_elements.wgsl?raw';
import matmulLayoutLib from '../../shaders/lib/matmul_layout.wgsl?raw';
import matmulRegisterLib from '../../shaders/lib/matmul_register.wgsl?raw';
import matmulRowsOwnLib from '../../shaders/lib/matmul_rows_own.wgsl?raw';
import matmulRowsQuadLib from '../../shaders/lib/matmul_rows_quad.wgsl?raw';
import matmulSharedLib from '../../shaders/lib/matmul_shared.wgsl?raw';
import matmulTiledLib from '../../shaders/lib/matmul_tiled.wgsl?raw';
import im2col from '../../shaders/im2col.wgsl?raw';
import conv2dGemmForward from '../../shaders/conv2d_gemm_forward.wgsl?raw';
import denseBackwardWeightsSplit from '../../shaders/dense_backward_weights_split.wgsl?raw';
import sumParts from '../../shaders/sum_parts.wgsl?raw';
import col2im from '../../shaders/col2im.wgsl?raw';
import transposeBatched from '../../shaders/transpose_batched.wgsl?raw';
import maxPool2dForward from '../../shaders/max_pool2d_forward.wgsl?raw';
import maxPool2dBackward from '../../shaders/max_pool2d_backward.wgsl?raw';
import avgPool2dForward from '../../shaders/avg_pool2d_forward.wgsl?raw';
import avgPool2dBackward from '../../shaders/avg_pool2d_backward.wgsl?raw';
import dropoutForward from '../../shaders/dropout_forward.wgsl?raw';
import dropoutBackward from '../../shaders/dropout_backward.wgsl?raw';
import randomShift from '../../shaders/random_shift.wgsl?raw';
import randomLib from '../../shaders/lib/random.wgsl?raw';
import layerNormForward from '../../shaders/layer_norm_forward.wgsl?raw';
import layerNormBackwardInput from '../../shaders/layer_norm_backward_input.wgsl?raw';
import layerNormBackwardParams from '../../shaders/layer_norm_backward_params.wgsl?raw';

export const KERNEL_SOURCES = {
  matmul: [matmul],
  denseForward: [denseForward, activationLib],
  denseBackwardInput: [denseBackwardInput, activationLib],
  denseBackwardWeights: [denseBackwardWeights],
  activationForward: [activationForward, activationLib],
  activationBackward: [activationBackward, activationLib],
  softmaxForward: [softmaxForward],
  mseLoss: [mseLoss, activationLib, lossReduceLib, stepLib],
  softmaxCrossEntropy: [softmaxCrossEntropy, lossReduceLib, stepLib],
  sigmoidBce: [sigmoidBce, activationLib, lossReduceLib, stepLib],
  gatherRows: [gatherRows, stepLib],
  gatherRowsVec4: [gatherRowsVec4, stepLib],
  sgdUpdate: [sgdUpdate, stepLib, optimizerGradientLib],
  momentumUpdate: [momentumUpdate, stepLib, optimizerGradientLib],
  quadProbe: [quadProbe],
  nesterovUpdate: [nesterovUpdate, stepLib, optimizerGradientLib],
  adamUpdate: [adamUpdate, stepLib, optimizerGradientLib],
  rmspropUpdate: [rmspropUpdate, stepLib, optimizerGradientLib],
  gradNormPartial: [gradNormPartial],
  gradNormScale: [gradNormScale],
  im2col: [im2col],
  conv2dGemmForward: [conv2dGemmForward, activationLib],
  denseBackwardWeightsSplit: [denseBackwardWeightsSplit],
  sumParts: [sumParts],
  col2im: [col2im],
  transposeBatched: [transposeBatched],
  maxPool2dForward: [maxPool2dForward],
  maxPool2dBackward: [maxPool2dBackward],
  avgPool2dForward: [avgPool2dForward],
  avgPool2dBackward: [avgPool2dBackward],
  dropoutForward: [dropoutForward, stepLib, randomLib],
  dropoutBackward: [dropoutBackward],
  randomShift: [randomShift, stepLib, randomLib],
  layerNormForward: [layerNormForward],
  layerNormBackwardInput: [layerNormBackwardInput],
  layerNormBackwardParams: [layerNormBackwardParams],
} as const;

export type KernelName = keyof typeof KERNEL_SOURCES;

// The core types and constants live in the device layer (src/gpu/matmul_choice.ts), which holds a
// context's choice without importing the kernels; re-exported here for the kernels and their callers.
import type { MatmulCore } from '../gpu/matmul_choice.js';
export { CORE_WORKGROUPS, DEFAULT_MATMUL, matmulConfig, type MatmulConfig, type MatmulCore } from '../gpu/matmul_choice.js';

const MATMUL_CORES: Record<MatmulCore, string[]> = {
  shared: [matmulSharedLib, matmulElementsLib],
  tiled: [matmulTiledLib, matmulElementsLib],
  register: [matmulRegisterLib, matmulRowsOwnLib],
  quad: [matmulRegisterLib, matmulRowsQuadLib],
};
/** Directives a 'quad' module must start with (WGSL allows them only before any declaration). */
const QUAD_DIRECTIVES = 'enable subgroups;\ndiagnostic(off, subgroup_uniformity);';

export function usesMatmul(name: KernelName): boolean {
  return name === 'matmul' || name === 'denseForward' || name === 'denseBackwardInput' || name === 'denseBackwardWeights' || name === 'denseBackwardWeightsSplit' || name === 'conv2dGemmForward';
}

export function kernelSource(name: KernelName, core: MatmulCore): string {
  const parts: string[] = [...KERNEL_SOURCES[name]];
  if (usesMatmul(name)) {
    parts.push(...MATMUL_CORES[core], matmulLayoutLib);
    if (core === 'quad') parts.unshift(QUAD_DIRECTIVES);
  }
  return parts.join('\n');
}

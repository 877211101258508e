/** The CPU reference: one plain-loop function per GPU kernel, same names and argument order. */
export { checkLength } from './check.js';
export { activate, activateDerivative, sigmoid } from './activations.js';
export { matmul } from './matmul.js';
export { denseForward } from './dense_forward.js';
export { denseBackwardInput } from './dense_backward_input.js';
export { biasGrad } from './bias_grad.js';
export { denseBackwardWeights } from './dense_backward_weights.js';
export { activationForward } from './activation_forward.js';
export { activationBackward } from './activation_backward.js';
export { softmaxForward } from './softmax_forward.js';
export { mseLoss } from './mse_loss.js';
export { softmaxCrossEntropy } from './softmax_cross_entropy.js';
export { sigmoidBce } from './sigmoid_bce.js';
export { gatherRows } from './gather_rows.js';
export { sgdUpdate } from './sgd_update.js';
export { momentumUpdate } from './momentum_update.js';

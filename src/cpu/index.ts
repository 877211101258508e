/** The CPU reference: one plain-loop function per GPU kernel, same names and argument order. */
export { checkLength } from './check';
export { activate, activateDerivative, sigmoid } from './activations';
export { matmul } from './matmul';
export { denseForward } from './dense_forward';
export { denseBackwardInput } from './dense_backward_input';
export { biasGrad } from './bias_grad';
export { denseBackwardWeights } from './dense_backward_weights';
export { activationForward } from './activation_forward';
export { activationBackward } from './activation_backward';
export { softmaxForward } from './softmax_forward';
export { mseLoss } from './mse_loss';
export { softmaxCrossEntropy } from './softmax_cross_entropy';
export { sigmoidBce } from './sigmoid_bce';
export { gatherRows } from './gather_rows';
export { sgdUpdate } from './sgd_update';
export { momentumUpdate } from './momentum_update';

// flatten: PyTorch's nn.Flatten. A row of NCHW values already is the flat (C, H, W)-ordered vector,
// so the layer is a view: no kernels, no buffers; its input, U, Z and δ are those of the layer below.
// Spec: { type: 'flatten' }.
import { features } from './spec.js';
import type { LayerModule } from './types.js';

export interface FlattenConfig {
  type: 'flatten';
}

export const flatten: LayerModule<FlattenConfig> = {
  type: 'flatten',
  keys: [],
  configure: () => ({ type: 'flatten' }),
  outputShape: (_layer, inShape) => [features(inShape)],
  parameters: () => [],
  identity: () => true,
  ownsZ: () => false,
  fusesActivationGrad: false,
  forward: () => [],
  backwardParams: () => [],
  backwardInput: () => [],
};

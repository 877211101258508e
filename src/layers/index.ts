// The layer types by name. Adding one: its WGSL kernels, their CPU twins (src/kernels/twins.ts), a
// module file here and its line below; the config checks, the planner, the parameter layout,
// checkpoints and getWeights/setWeights follow from the module.
import { conv2d } from './conv2d.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { flatten } from './flatten.js';
import { layerNorm } from './layer_norm.js';
import { avgPool2d, maxPool2d } from './pool2d.js';
import { randomShift } from './random_shift.js';
import type { LayerConfigBase, LayerModule } from './types.js';

export const LAYER_MODULES = { dense, conv2d, maxPool2d, avgPool2d, flatten, dropout, layerNorm, randomShift } as const;
export type LayerType = keyof typeof LAYER_MODULES;
export const LAYER_TYPES = Object.keys(LAYER_MODULES) as LayerType[];
export type { LayerConfigBase, LayerModule, LayerViews, ParameterDecl, PreviousLayer, Shape } from './types.js';

/** The module of a canonical layer config (no `type`: dense). */
export function layerModule(layer: LayerConfigBase): LayerModule {
  return LAYER_MODULES[(layer.type ?? 'dense') as LayerType] as unknown as LayerModule;
}

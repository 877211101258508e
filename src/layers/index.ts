// The layer types by name. Adding one: its WGSL kernels, their CPU twins, a module file here and its
// line below; the planner, the parameter layout, checkpoints and getWeights/setWeights follow from
// the module's declarations.
import { dense } from './dense.js';
import type { LayerModule } from './types.js';

export const LAYER_MODULES = { dense } as const satisfies Record<string, LayerModule>;
export type LayerType = keyof typeof LAYER_MODULES;
export type { LayerModule, LayerViews, ParameterDecl, PreviousLayer } from './types.js';

/** The module of a layer of the model's config (every layer is dense so far). */
export function layerModule(layer: object): LayerModule {
  return LAYER_MODULES[(layer as { type?: LayerType }).type ?? 'dense'];
}

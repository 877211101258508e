// The optimizers by name. Adding one: its WGSL kernel, its CPU twin, a module file here and its
// line below; the engines, checkpoints and the model follow from the module's declarations.
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { momentum } from './momentum.js';
import { nesterov } from './nesterov.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';
import type { OptimizerModule } from './types.js';

export const OPTIMIZER_MODULES = { sgd, momentum, nesterov, adam, adamw, rmsprop } as const satisfies Record<string, OptimizerModule>;
export type { OptimizerModule, OptimizerSettings, OptimizerOption, StepScalars } from './types.js';

/** The key under which an optimizer that counts its steps keeps t: its state names joined (adam and adamw share m+v). */
export function stepGroup(module: OptimizerModule): string {
  return module.state.join('+');
}

/** Step-count groups of the optimizers that count steps, by optimizer name. */
export const OPTIMIZER_MODULE_GROUPS: Record<string, string> = Object.fromEntries(
  Object.entries(OPTIMIZER_MODULES)
    .filter(([, m]) => m.countsSteps)
    .map(([name, m]) => [name, stepGroup(m)]),
);

/** Every state name some optimizer keeps, in a fixed order (checkpoints list them so). */
export const OPTIMIZER_STATES: readonly string[] = [...new Set(Object.values(OPTIMIZER_MODULES).flatMap((m) => m.state))];

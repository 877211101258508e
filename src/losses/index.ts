import { binaryCrossEntropy } from './binary_cross_entropy.js';
import { crossEntropy } from './cross_entropy.js';
import { mse } from './mse.js';
import type { LossModule } from './types.js';

export const LOSS_MODULES = { mse, crossEntropy, binaryCrossEntropy } as const satisfies Record<string, LossModule>;
export type { LossModule, LossInputs } from './types.js';

// randomShift: augmentation by translation, active only while training (elsewhere the identity):
// each image moves by a random whole-pixel offset (dy, dx), |dy| ≤ maxY, |dx| ≤ maxX, drawn per image
// and per step from the model's seed (the dropout hash: runs and resumed checkpoints repeat exactly);
// pixels moved in from outside are 0. Backward is the adjoint shift. Kernel: random_shift.wgsl,
// twin src/cpu/random_shift.ts. Spec: { type: 'randomShift', maxShift: n | [maxY, maxX] }, on an
// image input, each bound a whole number from 0 to the image's height/width − 1.
import { ConfigError } from '../errors.js';
import { kindOf } from '../options.js';
import type { Invocation, View } from '../plan/types.js';
import { features, imageShape, pair } from './spec.js';
import type { LayerModule, LayerViews, Shape } from './types.js';

export interface RandomShiftConfig {
  type: 'randomShift';
  maxShift: [number, number];
}

function shift(l: LayerViews<RandomShiftConfig>, x: View, y: View, sign: 1 | -1): Invocation[] {
  const [channels, height, width] = l.inShape as [number, number, number];
  const count = l.rows * features(l.inShape);
  const [maxY, maxX] = l.layer.maxShift;
  return [
    {
      kernel: 'randomShift',
      tensors: { x, y },
      params: { count, channels, height, width, maxY, maxX, sign, seed: l.seed, layer: l.index },
      constants: {},
      grid: { kind: 'elementwise', count },
    },
  ];
}

export const randomShift: LayerModule<RandomShiftConfig> = {
  type: 'randomShift',
  keys: ['maxShift'],
  configure(spec, inShape: Shape, where) {
    const [, height, width] = imageShape(where, inShape);
    if (spec.maxShift === undefined) throw new ConfigError(`${where}: maxShift is required (the largest shift in pixels, e.g. 2, or [maxY, maxX])`);
    const maxShift = pair(where, 'maxShift', spec.maxShift, 0);
    if (maxShift[0] >= height || maxShift[1] >= width) {
      throw new ConfigError(`${where}: maxShift [${maxShift.join(', ')}] must be smaller than the image (${height}×${width}), got ${kindOf(spec.maxShift)}`);
    }
    return { type: 'randomShift', maxShift };
  },
  outputShape: (_layer, inShape) => inShape,
  parameters: () => [],
  identity: (layer, training) => !training || (layer.maxShift[0] === 0 && layer.maxShift[1] === 0),
  ownsZ: () => false,
  fusesActivationGrad: false,
  forward: (l) => shift(l, l.input, l.u, 1),
  backwardParams: () => [],
  backwardInput: (l, prev) => shift(l, l.delta, prev.gradZ, -1),
};

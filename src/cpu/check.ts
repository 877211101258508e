/** Shape checks shared by the CPU reference functions. */
import { ShapeError } from '../errors.js';

/** Anything indexable with a length: Float32Array, Float64Array, Uint32Array. */
export interface Sized {
  readonly length: number;
}

/**
 * Throws if `arr` holds fewer than `needed` elements. Longer arrays are allowed (the functions
 * only touch the first `needed` elements), so views into a larger buffer can be passed.
 */
export function checkLength(name: string, arr: Sized, needed: number): void {
  if (!Number.isInteger(needed) || needed < 0) {
    throw new ShapeError(`${name}: invalid required length ${needed} (sizes must be non-negative integers)`);
  }
  if (arr.length < needed) {
    throw new ShapeError(
      `${name} is too short: it has ${arr.length} elements but the given sizes need ${needed}; ` +
        `pass a larger array or smaller sizes`,
    );
  }
}

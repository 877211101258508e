import type { FloatArray } from '../types.js';
import { checkLength } from './check.js';

/**
 * Gathers a minibatch: out[r,:] = src[indices[start + r], :] for r < rows, rows of `cols` values.
 * src is [N,cols] for any N > every index used; throws on an index past the end of src.
 * Overwrites out.
 */
export function gatherRows(
  out: FloatArray,
  src: FloatArray,
  indices: Uint32Array,
  start: number,
  rows: number,
  cols: number,
): void {
  checkLength('gatherRows out', out, rows * cols);
  checkLength('gatherRows indices', indices, start + rows);
  for (let r = 0; r < rows; r++) {
    const srcRow = indices[start + r];
    if ((srcRow + 1) * cols > src.length) {
      throw new Error(
        `gatherRows: indices[${start + r}] = ${srcRow} is past the end of src ` +
          `(${src.length} elements = ${Math.floor(src.length / Math.max(cols, 1))} rows of ${cols})`,
      );
    }
    for (let j = 0; j < cols; j++) {
      out[r * cols + j] = src[srcRow * cols + j];
    }
  }
}

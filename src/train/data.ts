import { DataError, ShapeError } from '../errors.js';
import type { LossName } from '../types.js';

/**
 * Inputs: a flat Float32Array / Float64Array / number[] of rows·cols values (row-major), or an
 * array of rows. Targets: the same, with the model's output width; or, for a classifier (more
 * than one output), one integer class label per row (any integer array or number[]).
 */
export type Matrix = Float32Array | Float64Array | readonly number[] | readonly (ArrayLike<number>)[];
export type Targets = Matrix | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

const isFloatArray = (v: unknown): v is Float32Array | Float64Array => v instanceof Float32Array || v instanceof Float64Array;
const isIntArray = (v: unknown) =>
  v instanceof Int32Array || v instanceof Uint32Array || v instanceof Int16Array || v instanceof Uint16Array ||
  v instanceof Int8Array || v instanceof Uint8Array;

/** Flattens and checks a matrix with `cols` columns; returns a Float32Array and its row count. */
export function toMatrix(what: string, data: unknown, cols: number): { values: Float32Array; rows: number } {
  let flat: ArrayLike<number>;
  if (isFloatArray(data)) {
    flat = data;
  } else if (Array.isArray(data)) {
    if (data.length > 0 && typeof data[0] === 'object' && data[0] !== null) {
      const out = new Float32Array(data.length * cols);
      data.forEach((row: unknown, r: number) => {
        if (!(isFloatArray(row) || Array.isArray(row)) || (row as ArrayLike<number>).length !== cols) {
          throw new ShapeError(`${what}[${r}] must be an array of ${cols} numbers, got ${describe(row)}`);
        }
        for (let c = 0; c < cols; c++) out[r * cols + c] = checkNumber(what, (row as ArrayLike<number>)[c], r * cols + c);
      });
      return { values: finite(what, out), rows: data.length };
    }
    flat = data as number[];
  } else {
    throw new ShapeError(
      `${what} must be a Float32Array, Float64Array, number[] or an array of rows; got ${describe(data)}` +
        (isIntArray(data) ? ' (convert integer data with Float32Array.from(...))' : ''),
    );
  }
  if (flat.length === 0) throw new DataError(`${what} is empty: give at least one sample`);
  if (flat.length % cols !== 0) {
    throw new ShapeError(`${what} has ${flat.length} values, not a multiple of the ${cols} the model expects per sample`);
  }
  const values = flat instanceof Float32Array ? flat : Float32Array.from(flat, (v, i) => checkNumber(what, v, i));
  return { values: finite(what, values), rows: flat.length / cols };
}

/**
 * Targets for `rows` samples as a Float32Array [rows, outputs]; class labels become one-hot rows.
 * Integer typed arrays are accepted both as class labels and as target values (0/1 targets of a
 * sigmoid output, say); strings never are, not even '0' and '1'.
 */
export function toTargets(y: unknown, rows: number, outputs: number, loss: LossName): Float32Array {
  const length = (y as ArrayLike<number> | null)?.length;
  const looksLikeLabels =
    outputs > 1 && length === rows && (isIntArray(y) || isFloatArray(y) || (Array.isArray(y) && typeof y[0] !== 'object'));
  let targets: Float32Array;
  if (looksLikeLabels) {
    targets = new Float32Array(rows * outputs);
    for (let r = 0; r < rows; r++) {
      const label: unknown = (y as ArrayLike<unknown>)[r];
      if (typeof label !== 'number') throw new DataError(`label ${r} is ${describeValue(label)}: class labels must be numbers (0 to ${outputs - 1}), not strings`);
      if (!Number.isInteger(label) || label < 0 || label >= outputs) {
        throw new DataError(`label ${r} is ${label}: class labels must be whole numbers from 0 to ${outputs - 1}`);
      }
      targets[r * outputs + label] = 1;
    }
  } else {
    const m = toMatrix('y', isIntArray(y) ? Float32Array.from(y as ArrayLike<number>) : y, outputs);
    if (m.rows !== rows) {
      throw new ShapeError(
        `y has ${m.rows} rows of ${outputs} targets but x has ${rows} samples` +
          (outputs > 1 ? ` (or give ${rows} class labels)` : ''),
      );
    }
    targets = m.values;
  }
  if (loss === 'binaryCrossEntropy' && targets.some((v) => v < 0 || v > 1)) {
    throw new DataError('binaryCrossEntropy targets must lie in [0, 1]');
  }
  if (loss === 'crossEntropy' && targets.some((v) => v < 0)) {
    throw new DataError('crossEntropy targets must be non-negative (one-hot rows or class probabilities)');
  }
  return targets;
}

function checkNumber(what: string, v: unknown, index: number): number {
  if (typeof v !== 'number') throw new ShapeError(`${what} value ${index} is ${describeValue(v)}, not a number`);
  return v;
}

function describeValue(v: unknown): string {
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : describe(v);
}

function finite(what: string, values: Float32Array): Float32Array {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new DataError(`${what} value ${i} is ${values[i]} (also check for values beyond float32 range): clean the data first`);
    }
  }
  return values;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v;
}

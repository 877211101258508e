import { ConfigError } from './errors.js';

/**
 * Rejects keys an options object does not know, naming the nearest known key: a misspelled option
 * (`epoch`, `learningrate`, `activations`) is a ConfigError, never silently ignored. null and
 * undefined mean "all defaults" and come back as an empty object.
 */
export function checkedOptions<T extends object>(what: string, options: unknown, known: readonly string[]): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`${what} must be an object (or left out for the defaults), got ${kindOf(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = nearest(key, known);
    throw new ConfigError(
      `${what}: unknown option ${JSON.stringify(key)}` +
        (near ? `; did you mean ${JSON.stringify(near)}?` : '') +
        ` (known: ${known.join(', ')})`,
    );
  }
  return options as Partial<T>;
}

/** `value` if it is one of `allowed`, else a ConfigError listing them (and the nearest, for a typo). */
export function oneOf<T extends string>(what: string, value: unknown, allowed: readonly T[]): T {
  if (allowed.includes(value as T)) return value as T;
  const near = typeof value === 'string' ? nearest(value, allowed) : null;
  throw new ConfigError(
    `${what} must be one of ${allowed.join(', ')}; got ${value === undefined ? 'undefined' : JSON.stringify(value)}` +
      (near ? `; did you mean ${JSON.stringify(near)}?` : ''),
  );
}

/** The known key closest to `key` (case-insensitive edit distance), when it is plausibly a typo. */
export function nearest(key: string, known: readonly string[]): string | null {
  const lower = key.toLowerCase();
  // A shortened or lengthened name (warmup for warmupSteps) counts as near too.
  const prefix = lower.length >= 3 ? known.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase())) : undefined;
  if (prefix) return prefix;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length];
}

/** How a value reads in an error message: a string says it is a string (`'0.1'` is not 0.1). */
export function kindOf(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)} (write the number without quotes)`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return ArrayBuffer.isView(value) ? `a ${value.constructor.name}` : 'an object';
  if (typeof value === 'bigint') return `the bigint ${value}n`;
  return String(value);
}

import { DataError } from '../errors.js';
import { netConfig, type NetConfig } from '../model/config.js';
import { declaredParams, MAX_PARAMS, paramLayout, type ParamLayout } from '../model/layout.js';
import { OPTIMIZER_MODULE_GROUPS, OPTIMIZER_STATES } from '../optimizers/index.js';
import { concatChunks, decodeSafetensors, readFloat32, safetensorsChunks, type NamedTensor } from './safetensors.js';

/** Everything needed to continue training exactly where it stopped. */
export interface TrainingState {
  config: NetConfig;
  /** Flat parameters in the layout of `paramLayout(config)`. */
  params: Float32Array;
  /** Optimizer state tensors by name (velocity, m, v, squareAvg), in the same layout. */
  state: Record<string, Float32Array>;
  /** Steps taken by optimizers that count them (Adam's t), by state group (e.g. `m+v`). */
  optimizerSteps: Record<string, number>;
  /** The model RNG's state (the next epoch's shuffle comes from it). */
  rng: (number | null)[];
  epochs: number;
  steps: number;
}

export const CHECKPOINT_FORMAT = 'webgpu-train/1';

/** The most parameters (padding included) a checkpoint may declare: the models' own bound, checked before anything is allocated. */
export const MAX_CHECKPOINT_PARAMS = MAX_PARAMS;

/** The `__metadata__` keys a checkpoint holds (besides the checksums, which safetensors.ts handles). */
const METADATA_KEYS = new Set(['format', 'config', 'epochs', 'steps', 'rng']);
/** Optional keys: absent from checkpoints of models that never counted optimizer steps. */
const OPTIONAL_METADATA_KEYS = new Set(['optimizer_steps']);

/** "inputSize 784 and layers of [128, 10] units" for dense nets; the layer types otherwise. */
function describeLayers(config: NetConfig): string {
  const input = config.inputShape ? `inputShape [${config.inputShape.join(', ')}]` : `inputSize ${config.inputSize}`;
  const more = config.layers.length > 8 ? ', …' : '';
  const first = config.layers.slice(0, 8);
  if (first.every((l) => l.type === undefined)) return `${input} and layers of [${first.map((l) => ('units' in l ? l.units : 0)).join(', ')}${more}] units`;
  return `${input} and layers [${first.map((l) => ('units' in l ? `dense ${l.units}` : 'filters' in l ? `conv2d ${l.filters}` : l.type)).join(', ')}${more}]`;
}

/** Every declared parameter tensor as `<prefix>layers.<index>.<name>` with its shape (see model/layout.ts). */
function tensors(layout: ParamLayout, flat: Float32Array, prefix: string): NamedTensor[] {
  return layout.layers.flatMap((layer, t) =>
    layer.tensors.map(({ name, shape, offset, length }) => ({ name: `${prefix}layers.${t}.${name}`, shape, data: flat.subarray(offset, offset + length) })),
  );
}

/**
 * A checkpoint as safetensors chunks: `layers.T.weight` [units, inputs], `layers.T.bias`, each
 * optimizer state tensor under `optimizer.<state>.layers.T.*` (velocity, m, v, squareAvg), and in
 * `__metadata__` the format, the model config (JSON), epochs and steps trained, the RNG state (JSON),
 * the optimizers' own step counts (`optimizer_steps`, JSON, when there are any), and CRC-32s of the
 * data and the metadata.
 */
export function checkpointChunks(state: TrainingState): Generator<Uint8Array> {
  const layout = paramLayout(state.config);
  const stateTensors = OPTIMIZER_STATES.filter((name) => state.state[name]).flatMap((name) => tensors(layout, state.state[name], `optimizer.${name}.`));
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(state.config),
    epochs: String(state.epochs),
    steps: String(state.steps),
    rng: JSON.stringify(state.rng),
  };
  if (Object.keys(state.optimizerSteps).length) metadata.optimizer_steps = JSON.stringify(state.optimizerSteps);
  return safetensorsChunks([...tensors(layout, state.params, ''), ...stateTensors], metadata);
}

/** The checkpoint as one .safetensors file. */
export function encodeCheckpoint(state: TrainingState): Uint8Array<ArrayBuffer> {
  return concatChunks(checkpointChunks(state));
}

const damaged = (why: string) => new DataError(`checkpoint metadata is damaged: ${why}`);

/** Every key of the saved config must be one netConfig kept: a misspelt key would otherwise load as its default. */
function rejectUnknownKeys(saved: unknown, config: NetConfig): void {
  const unknown = (where: string, given: object, known: object) => {
    const key = Object.keys(given).find((k) => !Object.hasOwn(known, k));
    if (key !== undefined) throw damaged(`config${where} has an unknown key ${JSON.stringify(key)} (known: ${Object.keys(known).join(', ')})`);
  };
  unknown('', saved as object, config);
  (saved as { layers: object[] }).layers.forEach((layer, i) => unknown(`.layers[${i}]`, layer, config.layers[i]));
}

function parseConfig(text: string): NetConfig {
  let saved: unknown;
  let config: NetConfig;
  try {
    saved = JSON.parse(text);
    config = netConfig(saved as Parameters<typeof netConfig>[0]);
  } catch (error) {
    throw damaged((error as Error).message);
  }
  rejectUnknownKeys(saved, config);
  return config;
}

function parseRng(text: string): (number | null)[] {
  let rng: unknown;
  try {
    rng = JSON.parse(text);
  } catch (error) {
    throw damaged(`rng: ${(error as Error).message}`);
  }
  const words = Array.isArray(rng) ? rng.slice(0, 4) : [];
  const validWords = words.length === 4 && words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff);
  const spare = Array.isArray(rng) ? rng[4] : undefined;
  const validSpare = spare === undefined || spare === null || (typeof spare === 'number' && Number.isFinite(spare));
  if (!validWords || words.every((w) => w === 0) || (rng as unknown[]).length > 5 || !validSpare) {
    throw damaged('rng must be four 32-bit words (not all zero) and an optional finite spare normal');
  }
  return rng as (number | null)[];
}

/** A counter as save() writes it: a whole number in plain decimal digits ("-5", "2.5", "1e400" are refused). */
function parseCounter(key: string, text: string): number {
  const n = Number(text);
  if (!/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(n)) {
    throw damaged(`${key} must be a whole number of at least 0, got ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`);
  }
  return n;
}

/**
 * Reads a checkpoint back, validating it as strictly as setWeights validates weights: the checksums
 * (when present; files from before them load without), every metadata entry, the declared model size
 * against the library's limit and the file's length (before anything is allocated), every tensor's
 * name and shape, and every weight and momentum value (finite). Any failure is a DataError.
 */
export function readCheckpoint(file: Uint8Array): TrainingState {
  const { tensors: found, metadata } = decodeSafetensors(file);
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new DataError(`not a webgpu-train checkpoint (format ${JSON.stringify(metadata.format)}, expected ${CHECKPOINT_FORMAT})`);
  }
  const unknownKey = Object.keys(metadata).find((k) => !METADATA_KEYS.has(k) && !OPTIONAL_METADATA_KEYS.has(k));
  if (unknownKey !== undefined) {
    throw damaged(`unknown __metadata__ key ${JSON.stringify(unknownKey)} (known: ${[...METADATA_KEYS, ...OPTIONAL_METADATA_KEYS].join(', ')})`);
  }
  const missing = [...METADATA_KEYS].find((k) => !Object.hasOwn(metadata, k));
  if (missing !== undefined) throw damaged(`__metadata__ has no ${missing}`);
  const config = parseConfig(metadata.config);
  const rng = parseRng(metadata.rng);
  const epochs = parseCounter('epochs', metadata.epochs);
  const steps = parseCounter('steps', metadata.steps);
  const optimizerSteps = metadata.optimizer_steps === undefined ? {} : parseOptimizerSteps(metadata.optimizer_steps);
  // Which optimizer states the file holds, from the tensor names alone (nothing allocated yet).
  const states = OPTIMIZER_STATES.filter((name) => [...found.keys()].some((k) => k.startsWith(`optimizer.${name}.`)));

  // The declared size, against the limit and the file, before allocating anything.
  const layout = paramLayout(config);
  const declared = describeLayers(config);
  if (layout.total > MAX_CHECKPOINT_PARAMS) {
    throw damaged(`its config declares ${declared}: ${layout.total} parameters, beyond the ${MAX_CHECKPOINT_PARAMS} this library handles`);
  }
  const floats = declaredParams(layout);
  const held = [...found.values()].reduce((n, t) => n + t.bytes.length, 0);
  const copies = 1 + states.length;
  if (held !== copies * floats * 4) {
    throw damaged(
      `its config declares ${declared}, so with ${states.length ? `optimizer state ${states.join(', ')}` : 'no optimizer state'} the file must hold ` +
        `${copies * floats} floats (${copies * floats * 4} bytes), but it holds ${held} bytes`,
    );
  }

  const expected = new Map(
    [...tensors(layout, new Float32Array(0), ''), ...states.flatMap((name) => tensors(layout, new Float32Array(0), `optimizer.${name}.`))].map((t) => [t.name, t]),
  );
  const extra = [...found.keys()].find((name) => !expected.has(name));
  if (extra !== undefined) throw new DataError(`checkpoint holds an unknown tensor ${JSON.stringify(extra)}; expected only ${[...expected.keys()].slice(0, 4).join(', ')}, …`);
  const unpack = (prefix: string) => {
    const flat = new Float32Array(layout.total);
    layout.layers.forEach((layer, t) => {
      for (const { name: part, shape, offset } of layer.tensors) {
        const name = `${prefix}layers.${t}.${part}`;
        const stored = found.get(name);
        if (!stored || stored.shape.join() !== shape.join()) {
          throw new DataError(`checkpoint tensor ${name} is missing or not shaped [${shape.join(', ')}]`);
        }
        const at = readFloat32(stored.bytes, flat, offset);
        if (at >= 0) {
          throw new DataError(`checkpoint tensor ${name} holds ${flat[offset + at]} at index ${at}; weights and optimizer state must be finite (the file is damaged)`);
        }
      }
    });
    return flat;
  };
  const state: Record<string, Float32Array> = {};
  for (const name of states) state[name] = unpack(`optimizer.${name}.`);
  return { config, params: unpack(''), state, optimizerSteps, rng, epochs, steps };
}

/** `optimizer_steps`: a JSON object of whole-number step counts by optimizer state group. */
function parseOptimizerSteps(text: string): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw damaged(`optimizer_steps: ${(error as Error).message}`);
  }
  const groups = new Set(Object.values(OPTIMIZER_MODULE_GROUPS));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw damaged('optimizer_steps must be a JSON object of step counts');
  for (const [key, value] of Object.entries(parsed)) {
    if (!groups.has(key)) throw damaged(`optimizer_steps has an unknown key ${JSON.stringify(key)} (known: ${[...groups].join(', ')})`);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw damaged(`optimizer_steps.${key} must be a whole number ≥ 0, got ${JSON.stringify(value)}`);
  }
  return parsed as Record<string, number>;
}

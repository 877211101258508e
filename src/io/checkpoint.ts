import { DataError } from '../errors.js';
import { netConfig, type NetConfig } from '../model/config.js';
import { paramLayout, type ParamLayout } from '../model/layout.js';
import { concatChunks, decodeSafetensors, safetensorsChunks, type NamedTensor } from './safetensors.js';

/** Everything needed to continue training exactly where it stopped. */
export interface TrainingState {
  config: NetConfig;
  /** Flat parameters and momentum in the layout of `paramLayout(config)`. */
  params: Float32Array;
  velocity: Float32Array;
  /** The model RNG's state (the next epoch's shuffle comes from it). */
  rng: (number | null)[];
  epochs: number;
  steps: number;
}

export const CHECKPOINT_FORMAT = 'webgpu-train/1';

function tensors(layout: ParamLayout, flat: Float32Array, prefix: string): NamedTensor[] {
  return layout.layers.flatMap(({ nIn, nOut, weight, bias }, t) => [
    { name: `${prefix}layers.${t}.weight`, shape: [nOut, nIn], data: flat.subarray(weight.offset, weight.offset + weight.length) },
    { name: `${prefix}layers.${t}.bias`, shape: [nOut], data: flat.subarray(bias.offset, bias.offset + bias.length) },
  ]);
}

/**
 * A checkpoint as safetensors chunks: `layers.T.weight` [units, inputs], `layers.T.bias`, the momentum
 * under `optimizer.velocity.layers.T.*`, and in `__metadata__` the format, the model config (JSON),
 * epochs and steps trained, and the RNG state (JSON).
 */
export function checkpointChunks(state: TrainingState): Generator<Uint8Array> {
  const layout = paramLayout(state.config.inputSize, state.config.layers.map((l) => l.units));
  return safetensorsChunks([...tensors(layout, state.params, ''), ...tensors(layout, state.velocity, 'optimizer.velocity.')], {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(state.config),
    epochs: String(state.epochs),
    steps: String(state.steps),
    rng: JSON.stringify(state.rng),
  });
}

/** The checkpoint as one .safetensors file. */
export function encodeCheckpoint(state: TrainingState): Uint8Array<ArrayBuffer> {
  return concatChunks(checkpointChunks(state));
}

export function readCheckpoint(file: Uint8Array): TrainingState {
  const { tensors: found, metadata } = decodeSafetensors(file);
  if (metadata.format !== CHECKPOINT_FORMAT) {
    throw new DataError(`not a webgpu-train checkpoint (format ${JSON.stringify(metadata.format)}, expected ${CHECKPOINT_FORMAT})`);
  }
  let config: NetConfig;
  let rng: (number | null)[];
  try {
    config = netConfig(JSON.parse(metadata.config));
    rng = JSON.parse(metadata.rng);
  } catch (error) {
    throw new DataError(`checkpoint metadata is damaged: ${(error as Error).message}`);
  }
  const words = Array.isArray(rng) ? rng.slice(0, 4) : [];
  const validWords = words.length === 4 && words.every((w) => Number.isInteger(w) && (w as number) >= 0 && (w as number) <= 0xffffffff);
  if (!validWords || words.every((w) => w === 0) || (rng.length > 5) || (rng[4] !== undefined && rng[4] !== null && typeof rng[4] !== 'number')) {
    throw new DataError('checkpoint metadata is damaged: rng must be four 32-bit words (not all zero) and an optional spare normal');
  }
  const layout = paramLayout(config.inputSize, config.layers.map((l) => l.units));
  const unpack = (prefix: string) => {
    const flat = new Float32Array(layout.total);
    for (const t of tensors(layout, flat, prefix)) {
      const stored = found.get(t.name);
      if (!stored || stored.data.length !== t.data.length || stored.shape.join() !== t.shape.join()) {
        throw new DataError(`checkpoint tensor ${t.name} is missing or not shaped [${t.shape.join(', ')}]`);
      }
      t.data.set(stored.data);
    }
    return flat;
  };
  return {
    config,
    params: unpack(''),
    velocity: unpack('optimizer.velocity.'),
    rng,
    epochs: Number(metadata.epochs) || 0,
    steps: Number(metadata.steps) || 0,
  };
}

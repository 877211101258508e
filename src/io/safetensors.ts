import { DataError } from '../errors.js';

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { string: string } },
 * offsets relative to the end of the header), then the raw little-endian tensor bytes.
 * Only float32 ("F32") tensors are written and read here.
 */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** The file as a sequence of chunks (header, then each tensor) so large models never need one copy. */
export function* safetensorsChunks(tensors: NamedTensor[], metadata: Record<string, string>): Generator<Uint8Array> {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned (the format allows trailing spaces).
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  yield prefix;
  yield headerBytes;
  for (const t of tensors) yield littleEndianBytes(t.data);
}

/** Joins chunks (safetensorsChunks) into one file. */
export function concatChunks(chunks: Iterable<Uint8Array>): Uint8Array<ArrayBuffer> {
  const all = [...chunks];
  const out = new Uint8Array(all.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of all) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function decodeSafetensors(file: Uint8Array): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  const bad = (why: string) => new DataError(`not a valid safetensors checkpoint: ${why}`);
  if (!(file instanceof Uint8Array)) throw bad('expected the file as a Uint8Array');
  if (file.length < 8) throw bad('shorter than its 8-byte header length');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > file.length - 8) throw bad(`header length ${headerLength} exceeds the file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
  } catch {
    throw bad('its header is not JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('its header is not a JSON object');
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, NamedTensor>();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (dtype !== 'F32') throw bad(`tensor ${name} has dtype ${JSON.stringify(dtype)}; only F32 is supported`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`tensor ${name} has no valid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2) throw bad(`tensor ${name} has no valid data_offsets`);
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    const [begin, end] = offsets as [number, number];
    if (!(Number.isInteger(begin) && end - begin === count * 4 && begin >= 0 && dataStart + end <= file.length)) {
      throw bad(`tensor ${name} has inconsistent offsets`);
    }
    tensors.set(name, { name, shape, data: fromLittleEndian(file.subarray(dataStart + begin, dataStart + end)) });
  }
  const metadata = (header as { __metadata__?: unknown }).__metadata__;
  if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null)) throw bad('its __metadata__ is not an object');
  return { tensors, metadata: (metadata as Record<string, string>) ?? {} };
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(data: Float32Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

function fromLittleEndian(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

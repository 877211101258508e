import { DataError } from '../errors.js';

/**
 * The safetensors format: an 8-byte little-endian header length N, N bytes of JSON
 * ({ name: { dtype, shape, data_offsets: [begin, end] }, "__metadata__": { string: string } },
 * offsets relative to the end of the header), then the raw little-endian tensor bytes.
 * Only float32 ("F32") tensors are written and read here.
 *
 * Integrity: the writer also puts two CRC-32s (8 hex digits) in `__metadata__`: `crc32` of the data
 * section's bytes and `header_crc32` of the rest of the header (see headerChecksumText). Readers of
 * other libraries ignore unknown metadata; decodeSafetensors verifies both when present (files from
 * before them load without). Every header field is also validated on its own: F32 only, shape product
 * × 4 = byte length, and the tensors tile the data section exactly (contiguous, in bounds, no overlap).
 */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A tensor as found in a file: its little-endian bytes, not yet decoded (nothing is allocated). */
export interface StoredTensor {
  name: string;
  shape: number[];
  bytes: Uint8Array;
}

export const DATA_CRC_KEY = 'crc32';
export const HEADER_CRC_KEY = 'header_crc32';

/** CRC-32 tables for slicing-by-8: table k (at k × 256) advances a byte followed by k zero bytes. */
const CRC_TABLE = (() => {
  const table = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) table[k * 256 + n] = (table[(k - 1) * 256 + n] >>> 8) ^ table[table[(k - 1) * 256 + n] & 0xff];
  }
  return table;
})();

/**
 * CRC-32 (IEEE 802.3, as zlib and PNG), eight bytes a step: pass the previous result as `crc` to
 * continue over more bytes.
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = CRC_TABLE;
  let c = ~crc >>> 0;
  let i = 0;
  for (const end = bytes.length - 7; i < end; i += 8) {
    const lo = (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    c =
      t[1792 + (lo & 0xff)] ^ t[1536 + ((lo >>> 8) & 0xff)] ^ t[1280 + ((lo >>> 16) & 0xff)] ^ t[1024 + (lo >>> 24)] ^
      t[768 + bytes[i + 4]] ^ t[512 + bytes[i + 5]] ^ t[256 + bytes[i + 6]] ^ t[bytes[i + 7]];
  }
  for (; i < bytes.length; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * What header_crc32 covers: the header without the two checksums, in a canonical form that does not
 * depend on key order or whitespace: JSON of [metadata entries sorted by key, tensor entries sorted by
 * name as [name, dtype, shape, data_offsets]].
 */
export function headerChecksumText(header: Record<string, unknown>): string {
  const metadata = (header.__metadata__ ?? {}) as Record<string, unknown>;
  const meta = Object.keys(metadata)
    .filter((k) => k !== DATA_CRC_KEY && k !== HEADER_CRC_KEY)
    .sort()
    .map((k) => [k, metadata[k]]);
  const entries = Object.keys(header)
    .filter((k) => k !== '__metadata__')
    .sort()
    .map((k) => {
      const { dtype, shape, data_offsets: offsets } = header[k] as Record<string, unknown>;
      return [k, dtype, shape, offsets];
    });
  return JSON.stringify([meta, entries]);
}

const headerCrc = (header: Record<string, unknown>) => hex8(crc32(new TextEncoder().encode(headerChecksumText(header))));

/** The file as a sequence of chunks (header, then each tensor) so large models never need one copy. */
export function* safetensorsChunks(tensors: NamedTensor[], metadata: Record<string, string>): Generator<Uint8Array> {
  let dataCrc = 0;
  for (const t of tensors) dataCrc = crc32(littleEndianView(t.data), dataCrc);
  const header: Record<string, unknown> = { __metadata__: { ...metadata } };
  let offset = 0;
  for (const t of tensors) {
    const bytes = t.data.length * 4;
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  header.__metadata__ = { ...metadata, [DATA_CRC_KEY]: hex8(dataCrc), [HEADER_CRC_KEY]: headerCrc(header) };
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

export interface DecodedSafetensors {
  /** The tensors by name, their bytes as views into the file (nothing decoded or copied yet). */
  tensors: Map<string, StoredTensor>;
  /** `__metadata__` without the two checksum entries. */
  metadata: Record<string, string>;
  /** Whether the file carried checksums (and so they were verified); files from before them do not. */
  checksummed: boolean;
}

const TENSOR_KEYS = new Set(['dtype', 'shape', 'data_offsets']);

/**
 * Parses and validates a safetensors file without allocating beyond the header: throws DataError when
 * the header is not UTF-8 JSON, a tensor entry is malformed, the tensors do not tile the data section
 * exactly, or a checksum present in the metadata does not match.
 */
export function decodeSafetensors(file: Uint8Array): DecodedSafetensors {
  const bad = (why: string) => new DataError(`not a valid safetensors checkpoint: ${why}`);
  if (!(file instanceof Uint8Array)) throw bad('expected the file as a Uint8Array');
  if (file.length < 8) throw bad('shorter than its 8-byte header length');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(file.length - 8)) throw bad(`header length ${declared} exceeds the file (${file.length} bytes; truncated or damaged)`);
  const headerLength = Number(declared);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(8, 8 + headerLength)));
  } catch {
    throw bad('its header is not UTF-8 JSON (the file is damaged)');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw bad('its header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = file.length - dataStart;
  const tensors = new Map<string, StoredTensor>();
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw bad(`tensor ${name} is not an object { dtype, shape, data_offsets }`);
    const extra = Object.keys(entry).find((k) => !TENSOR_KEYS.has(k));
    if (extra !== undefined) throw bad(`tensor ${name} has an unknown field ${JSON.stringify(extra)}`);
    const { dtype, shape, data_offsets: offsets } = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (dtype !== 'F32') throw bad(`tensor ${name} has dtype ${JSON.stringify(dtype)}; only F32 is supported`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw bad(`tensor ${name} has no valid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw bad(`tensor ${name} has no valid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const count = shape.reduce((a: number, b: number) => a * b, 1);
    if (end < begin || end - begin !== count * 4) {
      throw bad(`tensor ${name} has inconsistent offsets: [${begin}, ${end}] is not the ${count * 4} bytes its shape [${shape.join(', ')}] needs`);
    }
    if (end > dataLength) throw bad(`tensor ${name} has inconsistent offsets: it ends at byte ${end} of a ${dataLength}-byte data section (the file is truncated?)`);
    spans.push({ name, begin, end });
    tensors.set(name, { name, shape: shape as number[], bytes: file.subarray(dataStart + begin, dataStart + end) });
  }
  // The tensors must tile the data section: no overlap, no gap, nothing after the last one.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const { name, begin, end } of spans) {
    if (begin !== at) throw bad(`tensor ${name} has inconsistent offsets: it begins at byte ${begin} where the previous tensor ends at ${at} (${begin < at ? 'overlap' : 'gap'})`);
    at = end;
  }
  if (at !== dataLength) throw bad(`inconsistent offsets: the tensors end at byte ${at} but the data section has ${dataLength} bytes`);

  const metadata = (header as { __metadata__?: unknown }).__metadata__ ?? {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw bad('its __metadata__ is not an object');
  const entries = Object.entries(metadata as Record<string, unknown>);
  const nonString = entries.find(([, v]) => typeof v !== 'string');
  if (nonString) throw bad(`__metadata__ entry ${JSON.stringify(nonString[0])} is not a string`);
  const found = Object.fromEntries(entries) as Record<string, string>;
  const checksummed = verifyChecksums(header as Record<string, unknown>, found, file.subarray(dataStart));
  delete found[DATA_CRC_KEY];
  delete found[HEADER_CRC_KEY];
  return { tensors, metadata: found, checksummed };
}

function verifyChecksums(header: Record<string, unknown>, metadata: Record<string, string>, data: Uint8Array): boolean {
  const has = (k: string) => Object.hasOwn(metadata, k);
  if (!has(DATA_CRC_KEY) && !has(HEADER_CRC_KEY)) return false;
  const damaged = (what: string) =>
    new DataError(`the checkpoint file is damaged: ${what}. Its bytes changed after it was written (a bad copy, disk or transfer); use another copy of it`);
  for (const k of [DATA_CRC_KEY, HEADER_CRC_KEY]) {
    if (!has(k) || !/^[0-9a-f]{8}$/.test(metadata[k])) throw damaged(`__metadata__.${k} is missing or not 8 hex digits`);
  }
  const dataCrc = hex8(crc32(data));
  if (dataCrc !== metadata[DATA_CRC_KEY]) throw damaged(`the data section's CRC-32 is ${dataCrc}, the file says ${metadata[DATA_CRC_KEY]}`);
  const ownCrc = headerCrc(header);
  if (ownCrc !== metadata[HEADER_CRC_KEY]) throw damaged(`the header's CRC-32 is ${ownCrc}, the file says ${metadata[HEADER_CRC_KEY]}`);
  return true;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The float32 values as little-endian bytes: a view on little-endian hosts (every current one). */
function littleEndianView(data: Float32Array): Uint8Array {
  return littleEndianHost ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : littleEndianBytes(data);
}

function littleEndianBytes(data: Float32Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
  const out = new Uint8Array(data.length * 4);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

/**
 * Decodes little-endian float32 `bytes` into `target` at `offset`; returns the index of the first value
 * that is NaN or infinite, or -1 when all are finite.
 */
export function readFloat32(bytes: Uint8Array, target: Float32Array, offset: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let firstBad = -1;
  for (let i = 0; i < bytes.length / 4; i++) {
    const v = view.getFloat32(i * 4, true);
    if (firstBad < 0 && !Number.isFinite(v)) firstBad = i;
    target[offset + i] = v;
  }
  return firstBad;
}

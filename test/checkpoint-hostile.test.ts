// Corrupted and hostile checkpoints, generated from a real saved model (CPU backend, no GPU needed):
// truncations, byte changes in the length prefix, the JSON header and the data section, and crafted
// files (unknown keys, huge sizes, bad counters, NaN/Infinity, wrong dtype, bad offsets, extra or
// missing tensors, a damaged RNG state). Every one must either be refused with a typed error or load
// to a model identical to the original (saving it again gives the original file byte for byte).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, DataError, Sequential, ShapeError, type ModelOptions } from '../src/index';
import { crc32, headerChecksumText } from '../src/io/safetensors';
import { randomArray } from './kernel-cases';
import { mulberry32 } from './helpers/random';

const options: Omit<ModelOptions, 'backend'> = {
  inputSize: 8,
  layers: [{ units: 16, activation: 'relu' }, { units: 4, activation: 'softmax' }],
  init: 'he',
  seed: 11,
};
const rows = 60;
const x = randomArray(5, rows * 8, -1, 1);
const labels = Uint8Array.from({ length: rows }, (_, i) => (x[i * 8] > 0 ? 1 : 0) + (x[i * 8 + 1] > 0 ? 2 : 0));

let original: Uint8Array;

beforeAll(async () => {
  const model = await Sequential.create({ ...options, backend: 'cpu' });
  await model.fit(x, labels, { epochs: 2, batchSize: 10, optimizer: 'momentum', learningRate: 0.05 });
  original = await model.save();
  model.dispose();
});

/** A seeded PRNG (mulberry32), so every run tries the same corruptions. */
const prng = mulberry32;

type Header = Record<string, any>;

/** The test's own view of the file: header length, header object, data section. */
function split(file: Uint8Array): { headerLength: number; header: Header; data: Uint8Array } {
  const headerLength = Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + headerLength)));
  return { headerLength, header, data: file.slice(8 + headerLength) };
}

function build(header: Header, data: Uint8Array): Uint8Array {
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/** Without the checksums: a file as the release before them wrote it. */
function legacy(header: Header): Header {
  const copy = structuredClone(header);
  delete copy.__metadata__.crc32;
  delete copy.__metadata__.header_crc32;
  return copy;
}

/** With checksums recomputed for the changed content: only the other validations can catch it. */
function resealed(header: Header, data: Uint8Array): Header {
  const copy = legacy(header);
  copy.__metadata__.crc32 = hex8(crc32(data));
  copy.__metadata__.header_crc32 = hex8(crc32(new TextEncoder().encode(headerChecksumText(copy))));
  return copy;
}

type Kind = 'caught' | 'identical' | 'different' | 'untyped';
const totals = { tried: 0, caught: 0, identical: 0 };
const perGroup: Record<string, { tried: number; caught: number; identical: number }> = {};

async function outcome(file: Uint8Array): Promise<{ kind: Kind; message: string }> {
  let model: Sequential;
  try {
    model = await Sequential.load(file, { backend: 'cpu' });
  } catch (error) {
    const typed = error instanceof DataError || error instanceof ConfigError || error instanceof ShapeError;
    return { kind: typed ? 'caught' : 'untyped', message: String(error) };
  }
  const again = await model.save();
  model.dispose();
  const same = again.length === original.length && again.every((b, i) => b === original[i]);
  return { kind: same ? 'identical' : 'different', message: 'loaded' };
}

/** Tries every file of a group; fails listing the ones that loaded as a different model or threw untyped. */
async function tryAll(group: string, files: [string, Uint8Array][]): Promise<{ kind: Kind; message: string }[]> {
  const results = [];
  const failures: string[] = [];
  const tally = (perGroup[group] ??= { tried: 0, caught: 0, identical: 0 });
  for (const [label, file] of files) {
    const result = await outcome(file);
    results.push(result);
    tally.tried++;
    totals.tried++;
    if (result.kind === 'caught') (tally.caught++, totals.caught++);
    else if (result.kind === 'identical') (tally.identical++, totals.identical++);
    else failures.push(`${label}: ${result.kind} (${result.message})`);
  }
  expect(failures).toEqual([]);
  expect(tally.caught + tally.identical).toBe(tally.tried);
  return results;
}

afterAll(() => {
  for (const [group, t] of Object.entries(perGroup)) {
    console.log(`${group}: tried ${t.tried}, caught ${t.caught}, harmless-identical ${t.identical}`);
  }
  console.log(`all corrupted checkpoints: tried ${totals.tried}, caught ${totals.caught}, harmless-identical ${totals.identical}`);
  expect(totals.caught + totals.identical).toBe(totals.tried);
});

describe('corrupted checkpoints', () => {
  it('the original loads and saves back byte for byte (the identity the other tests compare with)', async () => {
    expect((await outcome(original)).kind).toBe('identical');
  });

  it('CRC-32 is the IEEE one (zlib, PNG)', () => {
    expect(hex8(crc32(new TextEncoder().encode('123456789')))).toBe('cbf43926');
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('a checkpoint without checksums (written before them) still loads, to the same model', async () => {
    const { header, data } = split(original);
    expect(header.__metadata__.crc32).toMatch(/^[0-9a-f]{8}$/);
    expect(header.__metadata__.header_crc32).toMatch(/^[0-9a-f]{8}$/);
    expect((await outcome(build(legacy(header), data))).kind).toBe('identical');
  });

  it('truncated at every length, or with bytes appended, is refused', async () => {
    const files: [string, Uint8Array][] = [];
    for (let n = 0; n < original.length; n++) files.push([`first ${n} bytes`, original.slice(0, n)]);
    for (const extra of [1, 3, 4, 8, 64]) files.push([`${extra} bytes appended`, Uint8Array.from([...original, ...new Uint8Array(extra)])]);
    const results = await tryAll('truncated or extended', files);
    expect(results.every((r) => r.kind === 'caught')).toBe(true);
  });

  it('every change of a byte of the 8-byte header length is refused', async () => {
    const files: [string, Uint8Array][] = [];
    for (let at = 0; at < 8; at++) {
      for (const value of new Set([original[at] + 1, original[at] - 1, original[at] ^ 0x80, original[at] ^ 0x08, 0, 0xff])) {
        if ((value & 0xff) === original[at]) continue;
        const file = original.slice();
        file[at] = value & 0xff;
        files.push([`length byte ${at} = ${value & 0xff}`, file]);
      }
    }
    const results = await tryAll('length prefix', files);
    expect(results.every((r) => r.kind === 'caught')).toBe(true);
  });

  it('random one-byte changes in the JSON header are refused or harmless', async () => {
    const { headerLength } = split(original);
    const random = prng(2024);
    const files: [string, Uint8Array][] = [];
    for (let i = 0; i < 1000; i++) {
      const at = 8 + Math.floor(random() * headerLength);
      const value = (original[at] + 1 + Math.floor(random() * 255)) & 0xff; // never the same byte
      const file = original.slice();
      file[at] = value;
      files.push([`header byte ${at}: ${original[at]} → ${value}`, file]);
    }
    await tryAll('header flips (random)', files);
  });

  it('whitespace in the header padding changed to other whitespace is harmless; to anything else, refused', async () => {
    // The header, padded with 8 more spaces (as a writer may): still the same checkpoint.
    const { headerLength, data } = split(original);
    const text = new TextDecoder().decode(original.subarray(8, 8 + headerLength)) + ' '.repeat(8);
    const padded = Uint8Array.from([...new Uint8Array(8), ...new TextEncoder().encode(text), ...data]);
    new DataView(padded.buffer).setBigUint64(0, BigInt(headerLength + 8), true);
    expect((await outcome(padded)).kind).toBe('identical');
    const files: [string, Uint8Array][] = [];
    const expected: Kind[] = [];
    for (let at = 8; at < 8 + headerLength + 8; at++) {
      if (padded[at] !== 0x20) continue;
      for (const value of [0x09, 0x0a, 0x0d, 0x00, 0x41, 0xa0]) {
        const file = padded.slice();
        file[at] = value;
        files.push([`padding byte ${at} → ${value}`, file]);
        expected.push(value === 0x09 || value === 0x0a || value === 0x0d ? 'identical' : 'caught');
      }
    }
    expect(files.length).toBeGreaterThan(0);
    const results = await tryAll('header padding', files);
    expect(results.map((r) => r.kind)).toEqual(expected);
  });

  it('random one-byte changes in the data section are all detected (CRC-32)', async () => {
    const { headerLength, data } = split(original);
    const random = prng(7);
    const files: [string, Uint8Array][] = [];
    for (let i = 0; i < 500; i++) {
      const at = 8 + headerLength + Math.floor(random() * data.length);
      const file = original.slice();
      file[at] ^= 1 + Math.floor(random() * 255);
      files.push([`data byte ${at}`, file]);
    }
    const results = await tryAll('data flips', files);
    expect(results.every((r) => r.kind === 'caught' && /damaged/.test(r.message))).toBe(true);
  });
});

/** A float of the data section, by tensor name and index. */
function setFloat(header: Header, data: Uint8Array, name: string, index: number, value: number): Uint8Array {
  const out = data.slice();
  new DataView(out.buffer).setFloat32(header[name].data_offsets[0] + index * 4, value, true);
  return out;
}

type Variant = { header: Header; data: Uint8Array };

/**
 * Hostile files, each in two variants: without checksums (as the previous release wrote them) and
 * with checksums recomputed, so the validation that catches them is not the CRC.
 */
function hostile(): [string, Variant, RegExp][] {
  const { header, data } = split(original);
  const base = legacy(header);
  const edit = (change: (h: Header) => void, newData = data): Variant => {
    const h = structuredClone(base);
    change(h);
    return { header: h, data: newData };
  };
  const meta = (key: string, value: string | undefined) =>
    edit((h) => {
      if (value === undefined) delete h.__metadata__[key];
      else h.__metadata__[key] = value;
    });
  const config = (change: (c: any) => void) =>
    edit((h) => {
      const c = JSON.parse(h.__metadata__.config);
      change(c);
      h.__metadata__.config = JSON.stringify(c);
    });
  const cases: [string, Variant, RegExp][] = [
    ['config key "activation" misspelt "acfivation"', edit((h) => (h.__metadata__.config = h.__metadata__.config.replace('"activation"', '"acfivation"'))), /acfivation/],
    ['config with an unknown top-level key', config((c) => (c.dropout = 0.5)), /dropout/],
    ['config with key "constructor"', config((c) => (c.constructor = 1)), /constructor/],
    ['config not JSON', meta('config', '{inputSize: 8'), /config|JSON/],
    ['config units 0', config((c) => (c.layers[0].units = 0)), /units/],
    ['config activation unknown', config((c) => (c.layers[0].activation = 'relu6')), /activation/],
    ['config inputSize 2.5', config((c) => (c.inputSize = 2.5)), /inputSize/],
    ['config 65536 × 65536', config((c) => ((c.inputSize = 65536), (c.layers = [{ units: 65536, activation: 'softmax', slope: 0.01 }]))), /65536.*parameters/],
    ['config 32768 × 32768', config((c) => ((c.inputSize = 32768), (c.layers = [{ units: 32768, activation: 'softmax', slope: 0.01 }]))), /32768.*parameters/],
    ['config 8192 × 8192 in a tiny file', config((c) => ((c.inputSize = 8192), (c.layers = [{ units: 8192, activation: 'softmax', slope: 0.01 }]))), /8192.*must hold/],
    ['config one unit more than the tensors', config((c) => (c.layers[0].units = 17)), /must hold/],
    ['config 16 huge layers', config((c) => (c.layers = [...Array(15).fill({ units: 1 << 24, activation: 'relu', slope: 0.01 }), c.layers[1]])), /parameters/],
    ['format missing', meta('format', undefined), /format/],
    ['format other', meta('format', 'webgpu-train/2'), /format/],
    ['unknown metadata key', meta('crc3z', 'deadbeef'), /crc3z/],
    ['metadata value not a string', edit((h) => (h.__metadata__.epochs = 2)), /epochs/],
    ['metadata not an object', edit((h) => (h.__metadata__ = 'x')), /__metadata__/],
  ];
  for (const [key, values] of [
    ['epochs', ['-5', '2.5', '1e400', '1e3', '', ' 2', '2 ', '0x10', '02', 'NaN', 'Infinity', '-0', '9007199254740993', '2'.repeat(400)]],
    ['steps', ['-1', '40.5', 'Infinity', '1e400']],
  ] as const) {
    for (const value of values) cases.push([`${key} "${value.slice(0, 20)}"`, meta(key, value), new RegExp(key)]);
  }
  cases.push(['epochs missing', meta('epochs', undefined), /epochs/], ['steps missing', meta('steps', undefined), /steps/]);
  for (const rng of ['[0,0,0,0,null]', '[1,2,3]', '[1,2,3,4.5]', '[1,2,3,4294967296]', '[1,2,3,-4]', '[1,2,3,4,1e400]', '[1,2,3,4,"x"]', '[1,2,3,4,null,6]', '{}', 'not json', '"[1,2,3,4]"']) {
    cases.push([`rng ${rng}`, meta('rng', rng), /rng/]);
  }
  for (const [name, index, value] of [
    ['layers.0.weight', 3, Infinity],
    ['layers.0.weight', 0, -Infinity],
    ['layers.1.bias', 3, NaN],
    ['layers.1.weight', 63, NaN],
    ['optimizer.velocity.layers.0.weight', 5, NaN],
    ['optimizer.velocity.layers.1.bias', 1, Infinity],
    ['optimizer.velocity.layers.0.bias', 15, -Infinity],
  ] as const) {
    cases.push([`${value} in ${name}[${index}]`, { header: base, data: setFloat(base, data, name, index, value) }, new RegExp(name.replaceAll('.', '\\.'))]);
  }
  const bias0 = base['layers.0.bias'].data_offsets;
  const vbias0 = base['optimizer.velocity.layers.0.bias'].data_offsets;
  cases.push(
    ['dtype F16', edit((h) => (h['layers.0.bias'].dtype = 'F16')), /dtype/],
    ['dtype F64', edit((h) => (h['layers.0.bias'].dtype = 'F64')), /dtype/],
    ['dtype missing', edit((h) => delete h['layers.0.bias'].dtype), /dtype/],
    ['overlapping offsets (two tensors on the same bytes)', edit((h) => (h['optimizer.velocity.layers.0.bias'].data_offsets = [...bias0])), /offsets/],
    ['offsets shifted by 4', edit((h) => (h['layers.0.bias'].data_offsets = [bias0[0] + 4, bias0[1] + 4])), /offsets/],
    ['offsets negative', edit((h) => (h['layers.0.bias'].data_offsets = [-64, 0])), /offsets/],
    ['offsets fractional', edit((h) => (h['layers.0.bias'].data_offsets = [bias0[0] + 0.5, bias0[1] + 0.5])), /offsets/],
    ['offsets past the end', edit((h) => (h['layers.0.bias'].data_offsets = [1e15, 1e15 + 64])), /offsets/],
    ['offsets three numbers', edit((h) => h['layers.0.bias'].data_offsets.push(0)), /offsets/],
    ['shape transposed', edit((h) => (h['layers.0.weight'].shape = [8, 16])), /layers\.0\.weight/],
    ['shape product not the byte length', edit((h) => (h['layers.0.weight'].shape = [16, 9])), /layers\.0\.weight/],
    ['shape huge', edit((h) => (h['layers.0.weight'].shape = [2 ** 40, 2 ** 40])), /layers\.0\.weight/],
    ['shape negative', edit((h) => (h['layers.0.weight'].shape = [-16, -8])), /layers\.0\.weight/],
    ['unknown tensor field', edit((h) => (h['layers.0.weight'].scale = 2)), /scale/],
    ['extra empty tensor', edit((h) => (h['layers.2.weight'] = { dtype: 'F32', shape: [0], data_offsets: [data.length, data.length] })), /layers\.2\.weight/],
    ['extra tensor with data', { header: { ...structuredClone(base), extra: { dtype: 'F32', shape: [1], data_offsets: [data.length, data.length + 4] } }, data: Uint8Array.from([...data, 0, 0, 0, 0]) }, /must hold|extra/],
    ['tensor renamed', edit((h) => ((h['layers.1.biaz'] = h['layers.1.bias']), delete h['layers.1.bias'])), /layers\.1\.biaz/],
    ['tensor missing, its bytes left', edit((h) => delete h['optimizer.velocity.layers.1.bias']), /offsets/],
    ['velocity tensor missing, bytes removed', (() => {
      const v = base['optimizer.velocity.layers.1.bias'].data_offsets;
      return edit((h) => delete h['optimizer.velocity.layers.1.bias'], Uint8Array.from([...data.subarray(0, v[0]), ...data.subarray(v[1])]));
    })(), /must hold/],
    ['header without __metadata__', edit((h) => Object.keys(h).forEach((k) => delete h[k])), /offsets|format/],
  );
  // Swapping two tensors of one size gives a well-formed file of a different model: only the header
  // checksum can tell, so this case keeps the original checksums instead of being resealed.
  const swapped = structuredClone(header);
  [swapped['layers.0.bias'].data_offsets, swapped['optimizer.velocity.layers.0.bias'].data_offsets] = [vbias0, bias0];
  cases.push(['weights and momentum tensors swapped (original checksums kept)', { header: swapped, data }, /header's CRC/]);
  return cases;
}

describe('hostile checkpoints', () => {
  it('each is refused with a typed error naming what is wrong, with or without checksums', async () => {
    const cases = hostile();
    const files: [string, Uint8Array][] = [];
    const patterns: RegExp[] = [];
    for (const [label, { header, data }, pattern] of cases) {
      const keepsChecksums = header.__metadata__?.crc32 !== undefined;
      files.push([`${label} (${keepsChecksums ? 'original checksums' : 'no checksums'})`, build(header, data)]);
      patterns.push(pattern);
      if (keepsChecksums || typeof header.__metadata__ !== 'object') continue;
      files.push([`${label} (checksums recomputed)`, build(resealed(header, data), data)]);
      patterns.push(pattern);
    }
    const results = await tryAll('hostile files', files);
    const unexplained = results.flatMap((r, i) => (r.kind === 'caught' && patterns[i].test(r.message) ? [] : [`${files[i][0]}: ${r.kind}: ${r.message}`]));
    expect(unexplained).toEqual([]);
  });

  it('a tiny file declaring a huge model is refused before anything is allocated, naming the sizes', async () => {
    const { header, data } = split(original);
    const h = legacy(header);
    h.__metadata__.config = JSON.stringify({ inputSize: 65536, layers: [{ units: 65536, activation: 'softmax', slope: 0.01 }], loss: 'crossEntropy', init: 'he', seed: 11 });
    const file = build(h, data);
    expect(file.length).toBeLessThan(4096);
    const error = await Sequential.load(file, { backend: 'cpu' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect(String(error)).toMatch(/inputSize 65536 and layers of \[65536\] units: 4295032832 parameters/);
  });
});

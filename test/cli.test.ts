// The main job's command line (scripts/train-mnist.ts) as a new user meets it: paths that cannot work
// fail at once with one line and exit code 2, before the data is loaded or a device set up; the
// README's `npm run -s train -- --json` prints JSON and nothing else; --help agrees with the README.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTrainArgs, USAGE, type TrainConfig } from '../scripts/train-args';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'webgpu-train-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The script itself, as `npm run train` starts it (without npm). */
function train(...args: string[]) {
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', './scripts/register-raw.mjs', '--import', 'tsx', 'scripts/train-mnist.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, seconds: (performance.now() - started) / 1000 };
}

describe('train-mnist paths are checked before anything starts', () => {
  it.each([
    [['--resume', '/nonexistent'], 'train-mnist: --resume /nonexistent: no such file'],
    [['--resume', scratch], `train-mnist: --resume ${scratch}: not a file (a checkpoint is a .safetensors file written by --save)`],
    [['--save', '/nonexistent-dir/model.safetensors'], 'train-mnist: --save /nonexistent-dir/model.safetensors: the directory /nonexistent-dir does not exist'],
    [['--save', scratch], `train-mnist: --save ${scratch}: is a directory; give a file name, e.g. ${scratch}/model.safetensors`],
    [['--onnx', '/nonexistent-dir/model.onnx'], 'train-mnist: --onnx /nonexistent-dir/model.onnx: the directory /nonexistent-dir does not exist'],
    [['--onnx', scratch], `train-mnist: --onnx ${scratch}: is a directory; give a file name, e.g. ${scratch}/model.onnx`],
    [['--onnx', join(scratch, 'm'), '--save', join(scratch, 'm')], `train-mnist: --onnx ${join(scratch, 'm')}: is also the --save checkpoint; give the ONNX file its own name, e.g. model.onnx`],
  ])('%j: exit 2, one line on stderr, no stack trace, nothing on stdout (no adapter line)', (args, message) => {
    const r = train(...args);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
    // Before the data is loaded or the device set up: only Node's and tsx's start-up (about 1–2 s
    // here; loading MNIST and setting up SwiftShader take several more).
    expect(r.seconds).toBeLessThan(20);
  });
});

describe('--onnx', () => {
  it('is parsed like --save and writes, after training, a model ONNX Runtime runs (10 softmax outputs a row)', async () => {
    expect((parseTrainArgs(['--onnx', 'm.onnx']) as { config: TrainConfig }).config.onnx).toBe('m.onnx');
    expect((parseTrainArgs(['--onnx=m.onnx']) as { config: TrainConfig }).config.onnx).toBe('m.onnx');
    expect(() => parseTrainArgs(['--onnx'])).toThrow(/--onnx needs a value/);
    expect(USAGE).toMatch(/--onnx PATH {10}write the trained model as ONNX/);
    const file = join(scratch, 'mnist.onnx');
    const r = train('--backend', 'cpu', '--epochs', '1', '--train', '256', '--test', '64', '--onnx', file);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`wrote ${file} \\(ONNX, [\\d,]+ bytes\\)\\n`));
    expect(r.stdout.trimEnd().split('\n').at(-1)).toMatch(/^accuracy: \d+\.\d%$/);
    const ort = await import('onnxruntime-web');
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(readFileSync(file), { executionProviders: ['wasm'] });
    const out = (await session.run({ input: new ort.Tensor('float32', new Float32Array(2 * 784).fill(0.5), [2, 784]) })).output;
    expect(out.dims).toEqual([2, 10]);
    const probs = out.data as Float32Array;
    expect(probs.slice(0, 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5); // the softmax output
    await session.release();
  });
});

describe('the README commands', () => {
  it('`npm run -s train -- --json` prints one JSON object and nothing else on stdout', () => {
    const r = spawnSync('npm', ['run', '-s', 'train', '--', '--json', '--backend', 'cpu', '--epochs', '1', '--train', '256', '--test', '64'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { accuracy: number; epochs: unknown[]; config: { backend: string } };
    expect(result.config.backend).toBe('cpu');
    expect(result.epochs).toHaveLength(1);
    expect(result.accuracy).toBeGreaterThan(0.1);
  });

  it("--help's sample accuracy is the README's", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const documented = /The last line of its output reads `accuracy: (\d+\.\d)%`/.exec(readme)?.[1];
    expect(documented).toBeDefined();
    expect(USAGE).toContain(`"accuracy: ${documented}%"`);
  });
});

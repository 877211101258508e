// Command-line options of the benchmark and its logging. With --json, stdout carries exactly one JSON
// object: every other line (progress, TF.js's console chatter) goes to stderr.

export type ModelName = 'S' | 'M' | 'L';
export type Variant = 'NT' | 'NN' | 'TN';

export interface MatmulSize {
  M: number;
  N: number;
  K: number;
  label: string;
}

export interface BenchOptions {
  json: boolean;
  quick: boolean;
  /** Run what would be skipped on a software adapter (L, matmuls above 2048³). */
  all: boolean;
  models: ModelName[];
  /** The CNN (bench/cnn.ts): on unless --only leaves CNN out. */
  cnn: boolean;
  matmul: MatmulSize[];
  /** True when --matmul was not given (a software adapter then runs a smaller list). */
  matmulIsDefault: boolean;
  variants: Variant[];
  tfjs: boolean;
  /** Overrides of the timed repeats and of the steps per timed call (all models). */
  repeats: number | null;
  steps: number | null;
  seed: number;
  /** This library's matrix-product core, forced; null: the library's choice for the adapter. */
  core: 'shared' | 'tiled' | 'register' | 'quad' | null;
  /** Print the markdown tables of a saved `--json` report and exit (no benchmark runs). */
  fromJson: string | null;
}

export const USAGE = `npm run bench -- [options]
  --json              print exactly one JSON object on stdout (progress goes to stderr)
  --quick             small repeat and step counts
  --all               on a software (fallback) adapter, also run MLP M and L and the default matmul sizes
  --only S,M,L,CNN    MLPs and the CNN to run, or 'none'          (default S,M,L,CNN)
  --matmul LIST       matmul sizes: N for N³, MxNxK, or 'none'    (default 1024,2048,4096,1000,1025,777x1234x555)
  --variants LIST     matmul transposes NT,NN,TN                 (default all three)
  --no-tfjs           skip TensorFlow.js
  --repeats N         timed repeats per measurement
  --steps N           training steps per timed call
  --seed N            seed of the synthetic data and weights (default 1)
  --core NAME         force this library's matmul core: shared or tiled (GPUs), register or quad (CPU Vulkan); default: the library's choice (autotuned on GPUs)
  --from-json FILE    print the markdown tables of a saved --json report (runs nothing)
Without --json, progress lines and markdown tables are printed; with --json, only the JSON object
(use \`npm run -s bench -- --json\`: without -s, npm itself prints two header lines on stdout).`;

export const DEFAULT_MATMUL = '1024,2048,4096,1000,1025,777x1234x555';

export function parseSizes(text: string): MatmulSize[] {
  if (text === 'none' || text === '') return [];
  return text.split(',').map((item) => {
    const parts = item.toLowerCase().split(/[x×]/).map((p) => Number(p));
    if (parts.some((p) => !Number.isInteger(p) || p < 1)) throw new Error(`--matmul: cannot read size "${item}" (use N or MxNxK)`);
    if (parts.length === 1) return { M: parts[0], N: parts[0], K: parts[0], label: `${parts[0]}³` };
    if (parts.length === 3) return { M: parts[0], N: parts[1], K: parts[2], label: `${parts[0]}×${parts[1]}×${parts[2]}` };
    throw new Error(`--matmul: cannot read size "${item}" (use N or MxNxK)`);
  });
}

function positive(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a whole number ≥ 1, got ${value}`);
  return n;
}

export function parseArgs(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    json: false,
    quick: false,
    all: false,
    models: ['S', 'M', 'L'],
    cnn: true,
    matmul: parseSizes(DEFAULT_MATMUL),
    matmulIsDefault: true,
    variants: ['NT', 'NN', 'TN'],
    tfjs: true,
    repeats: null,
    steps: null,
    seed: 1,
    fromJson: null,
    core: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--json':
        options.json = true;
        break;
      case '--quick':
        options.quick = true;
        break;
      case '--all':
        options.all = true;
        break;
      case '--no-tfjs':
        options.tfjs = false;
        break;
      case '--only': {
        const v = value() ?? '';
        if (v === 'none') {
          options.models = [];
          options.cnn = false;
          break;
        }
        const models = v.split(',').map((m) => m.trim().toUpperCase());
        const bad = models.filter((m) => !['S', 'M', 'L', 'CNN'].includes(m));
        if (bad.length) throw new Error(`--only: unknown model ${bad.join(', ')} (use S, M, L, CNN or none)`);
        options.cnn = models.includes('CNN');
        options.models = models.filter((m) => m !== 'CNN') as ModelName[];
        break;
      }
      case '--matmul':
        options.matmul = parseSizes(value() ?? '');
        options.matmulIsDefault = false;
        break;
      case '--variants': {
        const variants = (value() ?? '').split(',').map((m) => m.trim().toUpperCase());
        const bad = variants.filter((m) => !['NT', 'NN', 'TN'].includes(m));
        if (bad.length) throw new Error(`--variants: unknown variant ${bad.join(', ')} (use NT, NN, TN)`);
        options.variants = variants as Variant[];
        break;
      }
      case '--repeats':
        options.repeats = positive('--repeats', value());
        break;
      case '--steps':
        options.steps = positive('--steps', value());
        break;
      case '--seed':
        options.seed = positive('--seed', value());
        break;
      case '--core': {
        const v = value();
        if (v !== 'shared' && v !== 'tiled' && v !== 'register' && v !== 'quad') throw new Error(`--core must be shared, tiled, register or quad, got ${v}`);
        options.core = v;
        break;
      }
      case '--from-json':
        options.fromJson = value() ?? null;
        break;
      case '--help':
      case '-h':
        process.stderr.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return options;
}

let quiet = false;

/**
 * In JSON mode, route console output to stderr so that stdout holds only the result object
 * (TF.js prints a greeting and warnings through console.log / console.warn).
 */
export function setJsonMode(json: boolean): void {
  quiet = json;
  if (json) {
    const toStderr = (...args: unknown[]) => process.stderr.write(args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ') + '\n');
    console.log = toStderr;
    console.info = toStderr;
    console.warn = toStderr;
    console.debug = toStderr;
  }
}

/** A progress line: stderr in JSON mode, stdout otherwise. */
export function log(line: string): void {
  if (quiet) process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
}

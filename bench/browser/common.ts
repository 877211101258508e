// Shapes of the browser benchmark's result (the page logs it as one `BENCH_RESULT {json}` console
// line; scripts/bench-browser.ts reads it) and small helpers shared by the page's modules.

export const RESULT_PREFIX = 'BENCH_RESULT ';
export const PROGRESS_PREFIX = 'bench: ';

import type { TfjsFlags } from '../shared/tfjs_mlp';

export type { TfjsFlags };

export interface EngineTiming {
  /** Training steps per timed call (one call = one pass over `steps` batches + the loss read-back). */
  steps: number;
  /** Wall milliseconds of each timed call, in order. */
  callMs: number[];
  /** Median call time ÷ steps. */
  msPerStep: number;
  /** Batch size × steps per second at the median call time. */
  samplesPerSecond: number;
  /** The loss of the last step of the last call (to show that both trained). */
  lastLoss: number;
}

export interface TfjsTiming extends EngineTiming {
  flags: TfjsFlags;
}

export interface LossCheck {
  ok: boolean;
  tolerance: number;
  /** The same steps on the CPU reference backend (backend: 'cpu') ... */
  cpuLosses: number[];
  /** ... on this library's WebGPU backend ... */
  gpuLosses: number[];
  gpuWorstRel: number;
  /** ... and in TF.js from the same initial weights (informational: TF.js is not under test). */
  tfjsLosses: number[] | null;
  tfjsWorstRel: number | null;
}

export interface BenchResult {
  ok: boolean;
  error?: string;
  benchmark: 'mlp-s';
  date: string;
  machine: {
    userAgent: string;
    hardwareConcurrency: number;
    /** This library's adapter (createContext().adapter). */
    adapter: { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean } | null;
  };
  model: {
    layers: number[];
    hiddenActivation: 'relu';
    outputActivation: 'linear';
    loss: 'mse';
    optimizer: 'momentum';
    momentum: number;
    learningRate: number;
    batchSize: number;
    init: 'he';
    data: string;
  };
  /** Timed calls are interleaved: each round runs ours, TF.js default, TF.js best once. */
  settings: { steps: number; warmupCalls: number; repeats: number; probeSteps: number; probeRepeats: number };
  correctness: LossCheck | null;
  ours: EngineTiming | null;
  tfjs: {
    version: string;
    /** The flags as TF.js set them before the benchmark changed any. */
    defaultFlags: TfjsFlags;
    /** TF.js at its defaults. */
    default: TfjsTiming;
    /** TF.js at the fastest probed flags (may be the defaults). */
    best: TfjsTiming;
    /** Short runs (probeSteps steps) that chose `best`, the defaults among them. */
    probes: { flags: TfjsFlags; msPerStep: number; samplesPerSecond: number }[];
  } | null;
  /** Our samples/s ÷ TF.js's at whichever of its default and probed-best flags ran faster in the timed rounds. */
  speedupVsTfjs: number | null;
  /** Our samples/s ÷ TF.js's at its default flags. */
  speedupVsTfjsDefault: number | null;
  /** The CNN part (bench/browser/cnn.ts); null when skipped (?cnn=0 or no ?cnnLayers=). */
  cnn: CnnBenchResult | null;
  /** TF.js ms/step at its faster timed setting ÷ ours, for the CNN step (cnn.speedupVsTfjs). */
  cnnSpeedupVsTfjs: number | null;
  /** Wall seconds of the whole page run. */
  totalSeconds: number;
}

export interface CnnBenchResult {
  ok: boolean;
  error?: string;
  /** The layer specs (the main job's MNIST_CNN_LAYERS), softmax cross-entropy, momentum at the MLP's rate. */
  layers: unknown[];
  inputShape: [number, number, number];
  batchSize: number;
  settings: { steps: number; warmupCalls: number; repeats: number };
  correctness: LossCheck | null;
  ours: EngineTiming | null;
  tfjs: { default: TfjsTiming; cpuForwardFlipped: TfjsTiming; best: TfjsTiming } | null;
  speedupVsTfjs: number | null;
  speedupVsTfjsDefault: number | null;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** 4 significant digits, for JSON that people read. */
export function sig(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : x;
}

/** Largest |a − e| / max(|e|, 1e-12) over the pairs. */
export function worstRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const rel = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), 1e-12);
    if (!(rel <= worst)) worst = rel; // NaN sticks
  }
  return worst;
}

/** Runs `warmups` untimed calls, then `repeats` timed ones; returns the timed calls' wall ms. */
export async function timeCalls(warmups: number, repeats: number, call: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warmups; i++) await call();
  const ms: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await call();
    ms.push(performance.now() - t0);
  }
  return ms;
}

export function timing(callMs: number[], steps: number, batch: number, lastLoss: number): EngineTiming {
  const msPerStep = median(callMs) / steps;
  return {
    steps,
    callMs: callMs.map(sig),
    msPerStep: sig(msPerStep),
    samplesPerSecond: sig((batch * 1000) / msPerStep),
    lastLoss: sig(lastLoss),
  };
}

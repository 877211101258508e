// The worker's side of one TrainingWorker: its model, and fit with pause, stop and the page's calls.
// Calls that arrive while fit trains wait for the next epoch boundary and run there, inside fit's
// onEpochEnd, where the library runs a model's calls at once (between the epochs, where its
// weights and optimizer state are whole). A pause also waits there, in onEpochEnd, answering calls
// at once until resume or stop.
import { ConfigError, DisposedError, type EpochEnd, type FitOptions, type Sequential } from '../index.js';
import { toWireError } from './errors.js';
import type { ModelCall, Reply, Request } from './protocol.js';

type FitRequest = Extract<Request, { op: 'fit' }>;

export class ServedModel {
  private disposed = false;
  private fitting = false;
  private pauseRequested = false;
  private stopRequested = false;
  /** The page's answer to the last epoch-end report (null until it comes). */
  private answer: boolean | null = null;
  /** Calls that came while fit trains: they run at the next epoch boundary. */
  private held: (() => Promise<void>)[] = [];
  /** Wakes a boundary that waits (for the page's answer, or in a pause) when a message came. */
  private wake: () => void = () => {};

  constructor(
    private readonly model: Sequential,
    private readonly post: (reply: Reply) => void,
  ) {}

  /** A model call: now, or at the next epoch boundary while fit trains. */
  call(id: number, call: ModelCall): void {
    const run = () =>
      this.invoke(call).then(
        (value) => this.post({ op: 'result', id, value }),
        (error: unknown) => this.post({ op: 'error', id, error: toWireError(error) }),
      );
    if (!this.fitting) {
      void run();
      return;
    }
    this.held.push(run);
    this.nudge();
  }

  async fit(id: number, request: FitRequest): Promise<void> {
    if (this.fitting) {
      const error = new ConfigError('fit cannot be called while another fit runs on this model: await it (or stop() it), then call fit again');
      this.post({ op: 'error', id, error: toWireError(error) });
      return;
    }
    try {
      this.fitting = true;
      this.pauseRequested = false;
      this.stopRequested = false;
      const options: FitOptions = { ...request.options, onEpochEnd: (info) => this.epochBoundary(info, request.epochEnd) };
      if (request.progress) options.onProgress = (progress) => this.post({ op: 'progress', progress });
      const history = await this.live().fit(request.x, request.y, options);
      this.post({ op: 'result', id, value: history });
    } catch (error) {
      this.post({ op: 'error', id, error: toWireError(error) });
    } finally {
      this.fitting = false;
      await this.runHeld(); // calls that came during the last epoch (or a fit that failed)
    }
  }

  pause(): void {
    if (this.fitting) this.pauseRequested = true;
  }

  resume(): void {
    this.pauseRequested = false;
    this.nudge();
  }

  stop(): void {
    if (this.fitting) this.stopRequested = true;
    this.nudge();
  }

  epochEndAnswer(goOn: boolean): void {
    this.answer = goOn;
    this.nudge();
  }

  /** Frees the model; a running fit ends with DisposedError at its next epoch boundary. */
  dispose(): void {
    if (!this.disposed) this.model.dispose();
    this.disposed = true;
    this.nudge();
  }

  /** fit's onEpochEnd: the page's answer (when it gave onEpochEnd), held calls, a pause; false stops fit. */
  private async epochBoundary(info: EpochEnd, pageAnswers: boolean): Promise<boolean> {
    // Lets in the messages (pause, stop, calls) that came during the epoch: the CPU backend does
    // not always give the event loop a turn within one.
    await nextTask();
    let goOn = true;
    if (pageAnswers) {
      this.answer = null;
      this.post({ op: 'epochEnd', info });
      await this.until(() => this.answer !== null || this.disposed);
      goOn = this.answer ?? false;
    }
    // A pause after the last epoch would only hold fit's result back: fit ends instead.
    const pausing = () => goOn && info.epoch < info.epochs && this.pauseRequested && !this.stopRequested && !this.disposed;
    if (pausing()) {
      this.post({ op: 'state', state: 'paused' });
      await this.until(() => !pausing());
      if (!this.stopRequested && !this.disposed) this.post({ op: 'state', state: 'training' });
    }
    await this.runHeld();
    if (this.disposed) throw new DisposedError(`the model was disposed during fit, after epoch ${info.epoch} of ${info.epochs}`);
    return goOn && !this.stopRequested;
  }

  /** Runs held calls as they come until `done()` holds. */
  private async until(done: () => boolean): Promise<void> {
    for (;;) {
      if (this.held.length) await this.runHeld();
      else if (done()) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Starts the held calls in order (the model runs them one after another) and waits for them. */
  private async runHeld(): Promise<void> {
    while (this.held.length) await Promise.all(this.held.splice(0).map((run) => run()));
  }

  private nudge(): void {
    this.wake();
  }

  private live(): Sequential {
    if (this.disposed) throw new DisposedError('this model was disposed; create a new one (TrainingWorker.create or TrainingWorker.load)');
    return this.model;
  }

  private async invoke(call: ModelCall): Promise<unknown> {
    const model = this.live();
    switch (call.method) {
      case 'predict':
        return model.predict(...call.args);
      case 'evaluate':
        return model.evaluate(...call.args);
      case 'getWeights':
        return model.getWeights();
      case 'setWeights':
        return model.setWeights(...call.args);
      case 'save':
        return model.save();
      case 'toOnnx':
        return model.toOnnx();
      case 'summary':
        return model.summary();
      case 'stats':
        return model.stats();
      default:
        throw new ConfigError(`unknown model call ${JSON.stringify((call as { method: unknown }).method)}`);
    }
  }
}

/**
 * One turn of the event loop, so that messages already queued are handled: a message to itself
 * rather than setTimeout, which browsers delay to at least 4 ms once timers nest five deep (as
 * they would here, epoch after epoch, on the CPU backend): 4 ms an epoch for small models.
 */
function nextTask(): Promise<void> {
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });
}

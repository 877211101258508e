// When to ask for the results of submitted GPU work (training steps, inference batches). Where
// the host polls the device in a busy loop while any result is pending (the `webgpu` package, Dawn
// in Node, ticks the device from the event loop until every map resolves), asking at once costs a
// CPU core for the whole wait; on a CPU adapter such as SwiftShader that core is taken from the
// shaders themselves (measured here: 16 MLP S steps took 1025 ms when their loss was mapped at
// once, about 700 ms when nothing waited).
// A paced wait sleeps until shortly before the steps are predicted to finish, then maps.

/** One submit of `steps` training steps, as the pacer saw it leave. */
export interface SubmitTicket {
  steps: number;
  /** When it was submitted (ms, the pacer's clock). */
  at: number;
}

/** Sleeps until this fraction of the predicted time: an early wake polls briefly, a late one idles. */
const WAKE_FRACTION = 0.8;
/** Weight of the newest measurement in the running estimate of ms per step. */
const NEWEST_WEIGHT = 0.5;
/** Waits shorter than this are not worth a timer. */
const MIN_SLEEP_MS = 2;
/**
 * A map that resolves within this fraction of the predicted submit time after the wake means the
 * submit had finished while the pacer slept: its true time is unknown but shorter than measured,
 * so that measurement counts at OVERSLEPT_SCALE of its value.
 */
const OVERSLEPT_POLL = 0.05;
const OVERSLEPT_SCALE = 0.6;

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Predicts when each submit of one step plan finishes (submits run in order, each after the one
 * before), from the measured time per step of the submits before it. The estimate errs towards
 * waking early: a submit found finished at the wake was measured too long, so that measurement is
 * scaled down (an estimate twice too long is back within range after two submits), and once a
 * wait polls again it measures the true time.
 */
export class SubmitPacer {
  private msPerStep: number | null = null;
  private lastDone = -Infinity;
  /** When the last beforeWait() woke from a sleep (null when it did not sleep). */
  private wokeAt: number | null = null;

  constructor(
    private readonly paced: boolean,
    private readonly clock: PacerClock = realClock,
  ) {}

  submitted(steps: number): SubmitTicket {
    return { steps, at: this.clock.now() };
  }

  /** Resolves when it is time to ask for the ticket's results (at once when not paced or untimed). */
  async beforeWait(ticket: SubmitTicket): Promise<void> {
    this.wokeAt = null;
    if (!this.paced || this.msPerStep === null) return;
    const wake = this.startOf(ticket) + WAKE_FRACTION * this.msPerStep * ticket.steps;
    const sleep = wake - this.clock.now();
    if (sleep < MIN_SLEEP_MS) return;
    await this.clock.sleep(sleep);
    this.wokeAt = this.clock.now();
  }

  /**
   * For one submit just made of `steps` steps: sleeps as beforeWait() does, then `read` asks for
   * and awaits its results, then the finish is recorded. Returns what `read` returned.
   */
  async await<T>(steps: number, read: () => Promise<T>): Promise<T> {
    const ticket = this.submitted(steps);
    await this.beforeWait(ticket);
    const result = await read();
    this.finished(ticket);
    return result;
  }

  /** Records that the ticket's results arrived now. */
  finished(ticket: SubmitTicket): void {
    const now = this.clock.now();
    let perStep = Math.max(0, now - this.startOf(ticket)) / ticket.steps;
    if (this.wokeAt !== null && this.msPerStep !== null && now - this.wokeAt < OVERSLEPT_POLL * this.msPerStep * ticket.steps) {
      perStep *= OVERSLEPT_SCALE;
    }
    this.msPerStep = this.msPerStep === null ? perStep : (1 - NEWEST_WEIGHT) * this.msPerStep + NEWEST_WEIGHT * perStep;
    this.lastDone = now;
    this.wokeAt = null;
  }

  /** The predicted ms per step (null before the first submit finished). */
  get estimate(): number | null {
    return this.msPerStep;
  }

  /** A submit starts running when it is submitted or when the one before it finished. */
  private startOf(ticket: SubmitTicket): number {
    return Math.max(ticket.at, this.lastDone);
  }
}

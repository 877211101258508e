// When to ask for the results of submitted training steps. Where the host polls the device in a
// busy loop while any result is pending (the `webgpu` package, Dawn in Node, ticks the device from
// the event loop until every map resolves), asking at once costs a CPU core for the whole wait; on
// a CPU adapter such as SwiftShader that core is taken from the shaders themselves (measured here:
// 16 MLP S steps took 1025 ms when their loss was mapped at once, about 700 ms when nothing waited).
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
 * before), from the measured time per step of the submits before it. The estimate only ever
 * errs towards waking early: a submit seen finished at the wake time is measured at most that
 * long, so an estimate that is too long shrinks by WAKE_FRACTION per submit until the wait polls
 * again, and then measures the true time.
 */
export class SubmitPacer {
  private msPerStep: number | null = null;
  private lastDone = -Infinity;

  constructor(
    private readonly paced: boolean,
    private readonly clock: PacerClock = realClock,
  ) {}

  submitted(steps: number): SubmitTicket {
    return { steps, at: this.clock.now() };
  }

  /** Resolves when it is time to ask for the ticket's results (at once when not paced or untimed). */
  async beforeWait(ticket: SubmitTicket): Promise<void> {
    if (!this.paced || this.msPerStep === null) return;
    const wake = this.startOf(ticket) + WAKE_FRACTION * this.msPerStep * ticket.steps;
    const sleep = wake - this.clock.now();
    if (sleep >= MIN_SLEEP_MS) await this.clock.sleep(sleep);
  }

  /** Records that the ticket's results arrived now. */
  finished(ticket: SubmitTicket): void {
    const now = this.clock.now();
    const perStep = Math.max(0, now - this.startOf(ticket)) / ticket.steps;
    this.msPerStep = this.msPerStep === null ? perStep : (1 - NEWEST_WEIGHT) * this.msPerStep + NEWEST_WEIGHT * perStep;
    this.lastDone = now;
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

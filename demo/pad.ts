// The drawing pad: a 280×280 canvas drawn on with the mouse or a finger (pointer events), the 28×28
// preview of what the network sees (preprocess.ts), and the prediction shown as ten bars. The pad
// asks `classify` as the drawing changes; requests that come while one runs collapse into one more
// run afterwards. While training runs, the model answers at the next epoch boundary (the worker runs
// it between epochs), so the pad says so meanwhile.
import { SIDE, grayFromRgba, toMnistInput } from './preprocess';

export interface Prediction {
  digit: number;
  probabilities: number[];
}

export interface Classifier {
  /** The message to show instead of asking (no model yet), or null to ask. */
  unavailable(): string | null;
  /** The message to show while the answer waits (training: the next epoch boundary), or null. */
  waiting(): string | null;
  /** The ten probabilities for a 28×28 input; null when the model changed meanwhile (the answer is dropped). */
  classify(input: Float32Array): Promise<number[] | null>;
  /** What an empty pad says. */
  emptyMessage(): string;
}

export class DrawingPad {
  /** The last prediction shown (null when the pad is empty or nothing was classified). */
  last: Prediction | null = null;
  private busy = false;
  private again = false;
  private running: Promise<void> = Promise.resolve();
  private readonly g: CanvasRenderingContext2D;
  private readonly pg: CanvasRenderingContext2D;
  private stroking: { x: number; y: number } | null = null;
  private moveQueued = false;

  constructor(
    private readonly pad: HTMLCanvasElement,
    private readonly preview: HTMLCanvasElement,
    clearButton: HTMLElement,
    private readonly predictionLine: HTMLElement,
    private readonly bars: HTMLElement,
    private readonly classifier: Classifier,
  ) {
    this.g = pad.getContext('2d', { willReadFrequently: true })!;
    this.pg = preview.getContext('2d')!;
    this.clear();
    pad.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      pad.setPointerCapture(e.pointerId);
      this.stroking = this.point(e);
      this.stroke(this.stroking, this.stroking);
      this.requestPredict();
    });
    pad.addEventListener('pointermove', (e) => {
      if (!this.stroking) return;
      const points = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const ev of points.length ? points : [e]) {
        const p = this.point(ev);
        this.stroke(this.stroking, p);
        this.stroking = p;
      }
      if (!this.moveQueued) {
        this.moveQueued = true;
        requestAnimationFrame(() => {
          this.moveQueued = false;
          this.requestPredict();
        });
      }
    });
    for (const type of ['pointerup', 'pointercancel'] as const) {
      pad.addEventListener(type, () => {
        if (!this.stroking) return;
        this.stroking = null;
        this.requestPredict();
      });
    }
    clearButton.addEventListener('click', () => {
      this.clear();
      this.last = null;
      this.render(null, 'Draw a digit.');
    });
  }

  /** True while a classification is running or queued. */
  get predicting(): boolean {
    return this.busy;
  }

  /** Settles when the running classification (and the one queued after it) is done. */
  idle(): Promise<void> {
    return this.running;
  }

  /** Classifies the pad; calls while one is running collapse into one more run afterwards. */
  requestPredict(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.predictOnce();
        } while (this.again);
      } catch (e) {
        this.render(null, `Could not classify the drawing: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        this.busy = false;
      }
    })();
  }

  private clear(): void {
    this.g.fillStyle = '#000';
    this.g.fillRect(0, 0, this.pad.width, this.pad.height);
    this.pg.fillStyle = '#000';
    this.pg.fillRect(0, 0, SIDE, SIDE);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.pad.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * this.pad.width) / r.width, y: ((e.clientY - r.top) * this.pad.height) / r.height };
  }

  private stroke(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const { g } = this;
    g.strokeStyle = '#fff';
    g.lineWidth = 22;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.beginPath();
    g.moveTo(from.x, from.y);
    g.lineTo(to.x, to.y);
    g.stroke();
  }

  /** The pad as a 28×28 MNIST-like input (null when empty), also shown in the preview. */
  private read(): Float32Array | null {
    const { pad } = this;
    const image = this.g.getImageData(0, 0, pad.width, pad.height);
    const input = toMnistInput(grayFromRgba(image.data, pad.width, pad.height), pad.width, pad.height);
    const out = this.pg.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const v = Math.round((input?.[i] ?? 0) * 255);
      out.data.set([v, v, v, 255], i * 4);
    }
    this.pg.putImageData(out, 0, 0);
    return input;
  }

  private async predictOnce(): Promise<void> {
    const input = this.read();
    if (!input) {
      this.last = null;
      this.render(null, this.classifier.emptyMessage());
      return;
    }
    const unavailable = this.classifier.unavailable();
    if (unavailable !== null) {
      this.render(null, unavailable);
      return;
    }
    const waiting = this.classifier.waiting();
    if (waiting !== null) this.predictionLine.textContent = waiting;
    const probabilities = await this.classifier.classify(input);
    if (!probabilities) return;
    let digit = 0;
    probabilities.forEach((p, i) => p > probabilities[digit] && (digit = i));
    this.last = { digit, probabilities };
    this.render(this.last);
  }

  private render(p: Prediction | null, message?: string): void {
    const { bars } = this;
    bars.replaceChildren();
    if (!p) {
      this.predictionLine.textContent = message ?? '';
      return;
    }
    this.predictionLine.innerHTML = `Looks like a <strong>${p.digit}</strong> (${(p.probabilities[p.digit] * 100).toFixed(1)} %)`;
    p.probabilities.forEach((prob, digit) => {
      const li = document.createElement('li');
      li.className = digit === p.digit ? 'top' : '';
      li.dataset.digit = String(digit);
      li.dataset.probability = String(prob);
      const label = document.createElement('span');
      label.textContent = String(digit);
      const track = document.createElement('span');
      track.className = 'track';
      const fill = document.createElement('span');
      fill.className = 'fill';
      fill.style.display = 'block';
      fill.style.width = `${(prob * 100).toFixed(2)}%`;
      track.append(fill);
      const value = document.createElement('span');
      value.className = 'value';
      value.textContent = `${(prob * 100).toFixed(1)} %`;
      li.append(label, track, value);
      bars.append(li);
    });
  }
}

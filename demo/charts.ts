// The charts: two live uPlot line charts, training loss against (fractional) epochs, one point per
// progress report of fit, and held-out accuracy, one point per epoch (fit's validation). Data lives
// in plain arrays; the plot is redrawn at most once per animation frame. TrainingCharts turns fit's
// reports (which arrive from the training worker) into points.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Progress } from '../src/index';

export class LineChart {
  readonly xs: number[] = [];
  readonly ys: number[] = [];
  private readonly plot: uPlot;
  private pending = false;

  constructor(
    container: HTMLElement,
    opts: { label: string; xLabel: string; yLabel: string; color: string; yRange?: [number, number]; points?: boolean },
  ) {
    const width = Math.max(240, container.clientWidth || 480);
    this.plot = new uPlot(
      {
        width,
        height: 220,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: false },
          y: opts.yRange ? { range: opts.yRange } : { auto: true },
        },
        axes: [{ label: opts.xLabel }, { label: opts.yLabel }],
        series: [
          { label: opts.xLabel },
          { label: opts.label, stroke: opts.color, width: 2, points: { show: opts.points ?? false } },
        ],
      },
      [[], []],
      container,
    );
    new ResizeObserver(() => {
      const w = container.clientWidth;
      if (w > 0 && Math.abs(w - this.plot.width) > 1) this.plot.setSize({ width: w, height: 220 });
    }).observe(container);
  }

  push(x: number, y: number): void {
    this.xs.push(x);
    this.ys.push(y);
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.plot.setData([this.xs, this.ys]);
    });
  }

  clear(): void {
    this.xs.length = 0;
    this.ys.length = 0;
    this.plot.setData([[], []]);
  }

  /** What uPlot holds (for the e2e test), after drawing an update still waiting for its frame: [xs, ys]. */
  plotted(): [number[], number[]] {
    if (this.pending) this.plot.setData([this.xs, this.ys]);
    const d = this.plot.data;
    return [Array.from(d[0] ?? []), Array.from((d[1] ?? []) as ArrayLike<number>)];
  }
}

/** The page's two charts, fed by fit's progress reports and epoch ends. */
export class TrainingCharts {
  readonly loss: LineChart;
  readonly accuracy: LineChart;
  /** The epoch (of the fit) the last loss point belongs to, images seen in it and their loss sum. */
  private epoch = 0;
  private seen = 0;
  private sum = 0;

  constructor(lossContainer: HTMLElement, accuracyContainer: HTMLElement) {
    this.loss = new LineChart(lossContainer, { label: 'training loss', xLabel: 'epoch', yLabel: 'loss', color: '#2563eb' });
    this.accuracy = new LineChart(accuracyContainer, {
      label: 'held-out accuracy %',
      xLabel: 'epoch',
      yLabel: 'accuracy %',
      color: '#16a34a',
      points: true,
    });
  }

  clear(): void {
    this.loss.clear();
    this.accuracy.clear();
    this.startFit();
  }

  /** A new fit call: its epochs count from 1 again. */
  startFit(): void {
    this.epoch = 0;
  }

  /**
   * A progress report of a fit that started after `before` epochs, on `rows` images in batches of
   * `batch`. p.loss is the mean over the epoch so far; the point is the mean of the steps since the
   * previous report, at the fractional epoch reached.
   */
  progress(p: Progress, before: number, rows: number, batch: number): void {
    if (p.epoch !== this.epoch) {
      this.epoch = p.epoch;
      this.seen = this.sum = 0;
    }
    const nowSeen = Math.min(rows, p.step * batch);
    if (nowSeen <= this.seen) return;
    const recent = (p.loss * nowSeen - this.sum) / (nowSeen - this.seen);
    this.seen = nowSeen;
    this.sum = p.loss * nowSeen;
    this.loss.push(before + p.epoch - 1 + p.step / p.steps, recent);
  }

  /** The held-out accuracy (a fraction) after the model's `epoch`-th epoch. */
  heldOut(epoch: number, accuracy: number): void {
    this.accuracy.push(epoch, accuracy * 100);
  }

  /** The last held-out accuracy plotted, in %. */
  get lastAccuracy(): number | undefined {
    return this.accuracy.ys.at(-1);
  }
}

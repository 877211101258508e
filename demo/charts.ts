// Two live uPlot line charts: training loss against (fractional) epochs, one point per progress
// callback, and held-out accuracy, one point per epoch. Data lives in plain arrays; the plot is
// redrawn at most once per animation frame.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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

import * as cpu from '../cpu/index.js';
import { denseActivation, outputSize, type NetConfig } from '../model/config.js';
import type { ParamLayout } from '../model/layout.js';
import type { Dataset, Engine, GradientResult, StepOptimizer } from './engine.js';

/**
 * The CPU backend: the reference functions of src/cpu called in the order the GPU runs its kernels,
 * in float32. Slow, simple, and the yardstick for the GPU.
 */
export class CpuEngine implements Engine {
  readonly kind = 'cpu';
  private params: Float32Array;
  private velocity: Float32Array;
  private grads: Float32Array;

  constructor(
    private readonly cfg: NetConfig,
    private readonly layout: ParamLayout,
    initial: Float32Array,
  ) {
    this.params = initial.slice();
    this.velocity = new Float32Array(layout.total);
    this.grads = new Float32Array(layout.total);
  }

  private view(slot: { offset: number; length: number }, of: Float32Array): Float32Array {
    return of.subarray(slot.offset, slot.offset + slot.length);
  }

  /** U and Z of every layer for a batch; Z of the output is softmax(U) for a softmax layer. */
  private forward(x: Float32Array, rows: number): { u: Float32Array[]; z: Float32Array[] } {
    const u: Float32Array[] = [];
    const z: Float32Array[] = [];
    let input = x;
    this.cfg.layers.forEach((layer, t) => {
      const { nIn, nOut, weight, bias } = this.layout.layers[t];
      const ut = new Float32Array(rows * nOut);
      const zt = new Float32Array(rows * nOut);
      cpu.denseForward(ut, zt, input, this.view(weight, this.params), this.view(bias, this.params), rows, nIn, nOut, denseActivation(layer.activation), layer.slope);
      u.push(ut);
      z.push(zt);
      input = zt;
    });
    return { u, z };
  }

  private outputOf(u: Float32Array[], z: Float32Array[], rows: number): Float32Array {
    const last = this.cfg.layers.length - 1;
    if (this.cfg.layers[last].activation !== 'softmax') return z[last];
    const p = new Float32Array(z[last].length);
    cpu.softmaxForward(p, u[last], rows, outputSize(this.cfg));
    return p;
  }

  /** Output δ from targets with the model's loss; returns the batch loss. */
  private lossDelta(du: Float32Array, u: Float32Array, z: Float32Array, y: Float32Array, rows: number): number {
    const cols = outputSize(this.cfg);
    const out = this.cfg.layers[this.cfg.layers.length - 1];
    if (this.cfg.loss === 'crossEntropy') return cpu.softmaxCrossEntropy(du, u, y, rows, cols);
    if (this.cfg.loss === 'binaryCrossEntropy') return cpu.sigmoidBce(du, u, y, rows, cols);
    return cpu.mseLoss(du, u, z, y, rows, cols, denseActivation(out.activation), out.slope);
  }

  /** Fills this.grads from the output δ; returns ∂ℓ/∂X when asked. */
  private backward(x: Float32Array, u: Float32Array[], z: Float32Array[], delta: Float32Array, rows: number, wantInputGrad: boolean): Float32Array {
    let d = delta;
    for (let t = this.cfg.layers.length - 1; t >= 0; t--) {
      const { nIn, nOut, weight, bias } = this.layout.layers[t];
      const input = t === 0 ? x : z[t - 1];
      cpu.matmul(this.view(weight, this.grads), d, input, nOut, nIn, rows, true, false);
      cpu.biasGrad(this.view(bias, this.grads), d, rows, nOut);
      if (t === 0 && !wantInputGrad) break;
      const prev = new Float32Array(rows * nIn);
      const act = t === 0 ? 'linear' : denseActivation(this.cfg.layers[t - 1].activation);
      const slope = t === 0 ? 0 : this.cfg.layers[t - 1].slope;
      cpu.denseBackwardInput(prev, d, this.view(weight, this.params), t === 0 ? x : u[t - 1], rows, nIn, nOut, act, slope);
      d = prev;
    }
    return d;
  }

  async trainEpoch(data: Dataset, order: Uint32Array, batchSize: number, opt: StepOptimizer, onLosses: (first: number, losses: Float32Array) => void): Promise<Float32Array> {
    const y = data.y!;
    const nIn = this.cfg.inputSize;
    const nOut = outputSize(this.cfg);
    const steps = Math.ceil(data.rows / batchSize);
    const losses = new Float32Array(steps);
    for (let s = 0; s < steps; s++) {
      const rows = Math.min(batchSize, data.rows - s * batchSize);
      const xb = new Float32Array(rows * nIn);
      const yb = new Float32Array(rows * nOut);
      cpu.gatherRows(xb, data.x, order, s * batchSize, rows, nIn);
      cpu.gatherRows(yb, y, order, s * batchSize, rows, nOut);
      const { u, z } = this.forward(xb, rows);
      const last = u.length - 1;
      const delta = new Float32Array(rows * nOut);
      losses[s] = this.lossDelta(delta, u[last], z[last], yb, rows);
      this.backward(xb, u, z, delta, rows, false);
      if (opt.kind === 'sgd') cpu.sgdUpdate(this.params, this.grads, this.layout.total, opt.learningRate);
      else cpu.momentumUpdate(this.params, this.velocity, this.grads, this.layout.total, opt.learningRate, opt.momentum);
      onLosses(s, losses.subarray(s, s + 1));
      // Let the event loop breathe (progress bars, UI) about every 50 ms of work.
      if (s % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return losses;
  }

  async infer(data: Dataset): Promise<{ outputs: Float32Array; loss: number | null }> {
    const { u, z } = this.forward(data.x, data.rows);
    const last = u.length - 1;
    const outputs = this.outputOf(u, z, data.rows);
    if (!data.y) return { outputs, loss: null };
    const delta = new Float32Array(data.rows * outputSize(this.cfg));
    return { outputs, loss: this.lossDelta(delta, u[last], z[last], data.y, data.rows) };
  }

  async gradients(x: Float32Array, rows: number, target: { y: Float32Array } | { outputGrad: Float32Array }): Promise<GradientResult> {
    const { u, z } = this.forward(x, rows);
    const last = u.length - 1;
    const delta = new Float32Array(rows * outputSize(this.cfg));
    let loss: number | null = null;
    if ('y' in target) {
      loss = this.lossDelta(delta, u[last], z[last], target.y, rows);
    } else {
      const out = this.cfg.layers[last];
      cpu.activationBackward(delta, target.outputGrad, u[last], delta.length, denseActivation(out.activation), out.slope);
    }
    const inputGrad = this.backward(x, u, z, delta, rows, true);
    return { loss, grads: this.grads.slice(), inputGrad, output: this.outputOf(u, z, rows) };
  }

  async readParams(): Promise<Float32Array> {
    return this.params.slice();
  }

  writeParams(params: Float32Array): void {
    this.params.set(params);
  }

  async readVelocity(): Promise<Float32Array> {
    return this.velocity.slice();
  }

  writeVelocity(velocity: Float32Array): void {
    this.velocity.set(velocity);
  }

  release(): void {}

  stats(): { buffers: number; bytes: number } {
    return { buffers: 0, bytes: 0 };
  }

  dispose(): void {}
}

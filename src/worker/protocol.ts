// The messages between a TrainingWorker (the page, client.ts) and serveTraining (the worker,
// serve.ts). Every message carries PROTOCOL, so both sides ignore the other messages a worker may
// exchange, and the session number of the TrainingWorker it belongs to (one worker can serve several
// models, one per TrainingWorker). Requests carry an id that their answer repeats; pause, resume,
// stop and the answer to an epoch-end report are signals without one.
import type { AdapterDescription, EpochEnd, FitOptions, LayerValues, Matrix, ModelOptions, NetConfig, Progress, Targets } from '../index.js';

/** Tags every message of this protocol (a version change makes old and new sides ignore each other). */
export const PROTOCOL = 'webgpu-train/worker@1';

/** Where the worker trains: 'gpu' (its own WebGPU context) or 'cpu' (the reference backend). */
export type WorkerBackend = 'gpu' | 'cpu';

/** Sequential.create's options without the backend, which cannot cross threads (the worker picks it). */
export type WorkerModelOptions = Omit<ModelOptions, 'backend'>;

/** The model calls the page can make, each answered with the model's return value. */
export type ModelCall =
  | { method: 'predict'; args: [x: Matrix] }
  | { method: 'evaluate'; args: [x: Matrix, y: Targets] }
  | { method: 'getWeights'; args: [] }
  | { method: 'setWeights'; args: [layers: readonly (LayerValues | null)[]] }
  | { method: 'save'; args: [] }
  | { method: 'toOnnx'; args: [] }
  | { method: 'summary'; args: [] }
  | { method: 'stats'; args: [] };
export type ModelMethod = ModelCall['method'];

/** fit's options as they cross: the callbacks stay on the page and become flags. */
export type WireFitOptions = Omit<FitOptions, 'onProgress' | 'onEpochEnd'>;

/** Page → worker: requests (answered by id) and signals. */
export type Request =
  | { op: 'hello' }
  | { op: 'create'; options: WorkerModelOptions; backend: WorkerBackend }
  | { op: 'load'; bytes: Uint8Array; backend: WorkerBackend }
  | { op: 'fit'; x: Matrix; y: Targets; options: WireFitOptions; progress: boolean; epochEnd: boolean }
  | ({ op: 'call' } & ModelCall)
  | { op: 'dispose' };
export type Signal = { op: 'pause' } | { op: 'resume' } | { op: 'stop' } | { op: 'epochEndAnswer'; goOn: boolean };

export type ToWorker = { protocol: typeof PROTOCOL; session: number; id: number } & (Request | Signal);

/** An error as it crosses: the page rethrows it as the library's class of that name (see errors.ts). */
export interface WireError {
  name: string;
  message: string;
  /** DeviceLostError's reason. */
  reason?: string;
}

/** What create and load answer with. */
export interface ModelReady {
  config: NetConfig;
  adapter: AdapterDescription | null;
}

/** Worker → page. */
export type Reply =
  | { op: 'result'; id: number; value: unknown }
  | { op: 'error'; id: number; error: WireError }
  | { op: 'progress'; progress: Progress }
  /** Sent only when the page gave onEpochEnd: the worker waits for an 'epochEndAnswer'. */
  | { op: 'epochEnd'; info: EpochEnd }
  /** The running fit paused at an epoch boundary ('paused') or goes on ('training'). */
  | { op: 'state'; state: 'training' | 'paused' };

export type FromWorker = { protocol: typeof PROTOCOL; session: number } & Reply;

/** Whether a message event's data belongs to this protocol. */
export function isProtocolMessage<T extends { protocol: string }>(data: unknown): data is T {
  return typeof data === 'object' && data !== null && (data as { protocol?: unknown }).protocol === PROTOCOL;
}

/**
 * Both ends of the channel: a Worker (page side), a worker's global scope (`self`), a MessagePort.
 * Only what the helper uses: posting, and 'message' events (plus 'error' on a Worker).
 */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
  /** MessagePorts deliver nothing before start() (called when present). */
  start?(): void;
}

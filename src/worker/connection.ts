// The page's end of the channel to serveTraining: numbered requests whose answers (or errors, rebuilt
// as the library's classes) settle their promises, signals without answers, the handshake that tells
// a worker running serveTraining from one that never will, and the worker's 'error' event, which
// rejects what is pending. Progress, epoch ends and state changes go to `onEvent`.
import { WebGPUTrainError } from '../index.js';
import { fromWireError } from './errors.js';
import { PROTOCOL, isProtocolMessage, type FromWorker, type MessageEndpoint, type Reply, type Request, type Signal } from './protocol.js';

/** A Worker, or a MessagePort whose other end runs serveTraining. */
export type WorkerEndpoint = MessageEndpoint & { terminate?(): void };

type WorkerEvent = Exclude<Reply, { op: 'result' | 'error' }>;

/** How often the handshake says hello again: a worker may start listening only after its imports load. */
const HELLO_EVERY_MS = 250;

export class WorkerConnection {
  onEvent: (event: WorkerEvent) => void = () => {};
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private closeWhenSettled = false;

  constructor(
    private readonly endpoint: WorkerEndpoint,
    private readonly session: number,
  ) {
    endpoint.addEventListener('message', this.onMessage);
    endpoint.addEventListener('error', this.onError);
    endpoint.start?.();
  }

  /**
   * Sends a request; its answer settles the promise. Arguments are copied (structured clone), never
   * detached, except the buffers listed in `transfer`, which move to the worker.
   */
  request<T>(request: Request, transfer: Transferable[] = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      try {
        this.post(id, request, transfer);
      } catch (error) {
        // DataCloneError: an argument that cannot be copied to the worker (a function, say).
        this.settled(id)?.reject(error as Error);
      }
    });
  }

  signal(signal: Signal): void {
    this.post(0, signal);
  }

  /** Resolves once serveTraining answers; rejects after timeoutMs without an answer. */
  handshake(timeoutMs: number): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      const hello = () => this.post(id, { op: 'hello' });
      const again = setInterval(hello, HELLO_EVERY_MS);
      const timer = setTimeout(() => {
        this.settled(id)?.reject(
          new WebGPUTrainError(
            `the worker did not answer within ${timeoutMs} ms: its script must call serveTraining() from 'webgpu-train/worker' ` +
              `(and a module worker needs { type: 'module' })`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearInterval(again);
        clearTimeout(timer);
      };
      this.pending.set(id, {
        resolve: () => (done(), resolve()),
        reject: (error) => (done(), reject(error)),
      });
      hello();
    });
  }

  /** Stops listening once every pending request is answered (after dispose, a running fit still ends). */
  closeWhenIdle(): void {
    this.closeWhenSettled = true;
    if (this.pending.size === 0) this.close(null);
  }

  /** Stops listening now; pending requests reject with `error`. */
  close(error: Error | null): void {
    this.endpoint.removeEventListener('message', this.onMessage);
    this.endpoint.removeEventListener('error', this.onError);
    for (const id of [...this.pending.keys()]) this.settled(id)?.reject(error ?? new WebGPUTrainError('the connection to the worker was closed'));
  }

  private post(id: number, body: Request | Signal, transfer: Transferable[] = []): void {
    this.endpoint.postMessage({ protocol: PROTOCOL, session: this.session, id, ...body }, transfer);
  }

  private settled(id: number) {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    if (this.closeWhenSettled && this.pending.size === 0) queueMicrotask(() => this.close(null));
    return entry;
  }

  private readonly onMessage = (event: Event): void => {
    const message: unknown = (event as MessageEvent).data;
    if (!isProtocolMessage<FromWorker>(message) || message.session !== this.session) return;
    if (message.op === 'result') this.settled(message.id)?.resolve(message.value);
    else if (message.op === 'error') this.settled(message.id)?.reject(fromWireError(message.error));
    else this.onEvent(message);
  };

  /** A Worker's 'error' event: its script failed to load or threw; what is pending will not be answered. */
  private readonly onError = (event: Event): void => {
    const what = (event as unknown as { message?: string }).message || 'its script failed to load or threw at the top level';
    const error = new WebGPUTrainError(`the worker failed: ${what} (see the console for the worker's error)`);
    for (const id of [...this.pending.keys()]) this.settled(id)?.reject(error);
  };
}

// serveTraining(): the whole of a training worker's script. It answers the TrainingWorkers of the
// page (client.ts) over the worker's global scope, or any MessagePort-like endpoint: it builds or
// loads their models (one per TrainingWorker, on one WebGPU context shared by them, or on the CPU),
// runs their fits and calls (served_model.ts) and sends progress, epoch ends and results back.
import { ConfigError, DisposedError, Sequential, createContext, type GpuContext } from '../index.js';
import { toWireError } from './errors.js';
import { PROTOCOL, isProtocolMessage, type MessageEndpoint, type ModelReady, type Reply, type ToWorker, type WorkerBackend } from './protocol.js';
import { ServedModel } from './served_model.js';

export interface ServeOptions {
  /**
   * Makes the WebGPU context the 'gpu' models train on; default createContext() (navigator.gpu, as
   * in a browser's worker). Called when the first 'gpu' model is made, and again only after its
   * device was lost; the models share it. In a Node worker thread: () => createContext({ gpu: create([]) }).
   */
  context?: () => GpuContext | Promise<GpuContext>;
}

/**
 * Serves training to TrainingWorker on `scope`: the worker's own global scope by default
 * (`serveTraining()` in a module Worker's script), or a MessagePort.
 */
export function serveTraining(scope?: MessageEndpoint, options?: ServeOptions): void {
  const endpoint = scope ?? (globalThis as unknown as MessageEndpoint);
  const models = new Map<number, ServedModel>();
  let context: Promise<GpuContext> | null = null;

  /** The shared context: made once, made again after a failure or a lost device. */
  const sharedContext = (): Promise<GpuContext> => {
    const make = async () => (options?.context ? options.context() : createContext());
    context = (context ?? Promise.reject(new Error('none yet'))).then((c) => (c.isLost ? make() : c), make);
    return context;
  };

  const backendOf = async (backend: WorkerBackend): Promise<GpuContext | 'cpu'> => {
    if (backend === 'cpu') return 'cpu';
    if (backend === 'gpu') return sharedContext();
    throw new ConfigError(`backend must be 'gpu' or 'cpu' in a worker, got ${JSON.stringify(backend)}`);
  };

  const served = (session: number): ServedModel => {
    const model = models.get(session);
    if (!model) throw new DisposedError('the worker holds no model for this TrainingWorker (disposed, or never created)');
    return model;
  };

  const onMessage = (event: Event) => {
    const message: unknown = (event as MessageEvent).data;
    if (!isProtocolMessage<ToWorker>(message)) return;
    const { session } = message;
    const post = (reply: Reply) => endpoint.postMessage({ protocol: PROTOCOL, session, ...reply });
    const answer = (id: number, work: () => unknown) => {
      Promise.resolve()
        .then(work)
        .then(
          (value) => post({ op: 'result', id, value }),
          (error: unknown) => post({ op: 'error', id, error: toWireError(error) }),
        );
    };
    switch (message.op) {
      case 'hello':
        return answer(message.id, () => PROTOCOL);
      case 'create':
      case 'load': {
        const request = message;
        return answer(request.id, async (): Promise<ModelReady> => {
          if (models.has(session)) throw new ConfigError('this TrainingWorker already has a model in the worker');
          const backend = await backendOf(request.backend);
          const model =
            request.op === 'create' ? await Sequential.create({ ...request.options, backend }) : await Sequential.load(request.bytes, { backend });
          models.set(session, new ServedModel(model, post));
          return { config: model.config, adapter: backend === 'cpu' ? null : backend.adapter };
        });
      }
      case 'fit':
        try {
          void served(session).fit(message.id, message);
        } catch (error) {
          post({ op: 'error', id: message.id, error: toWireError(error) });
        }
        return;
      case 'call':
        try {
          served(session).call(message.id, message);
        } catch (error) {
          post({ op: 'error', id: message.id, error: toWireError(error) });
        }
        return;
      case 'dispose':
        return answer(message.id, () => {
          models.get(session)?.dispose();
          models.delete(session);
        });
      case 'pause':
        return models.get(session)?.pause();
      case 'resume':
        return models.get(session)?.resume();
      case 'stop':
        return models.get(session)?.stop();
      case 'epochEndAnswer':
        return models.get(session)?.epochEndAnswer(message.goOn);
    }
  };
  endpoint.addEventListener('message', onMessage);
  endpoint.start?.();
}

// webgpu-train/worker: train in a module Worker. The worker's script is `serveTraining()`; the page
// drives the model there with TrainingWorker (README "In a Worker"). This entry imports the library
// from its main entry ('../index.js', kept external in the build: dist/worker.js loads dist/index.js).
export { serveTraining, type ServeOptions } from './serve.js';
export { TrainingWorker, type TrainingState, type TrainingWorkerOptions, type WorkerEndpoint, type WorkerFitOptions } from './client.js';
export type { MessageEndpoint, WorkerBackend, WorkerModelOptions } from './protocol.js';

// Worker half of the worker page (e2e/pages/worker.ts starts it as a module Worker): the whole script
// of a training worker with 'webgpu-train/worker', as README "In a Worker" shows it. The page builds
// the model, trains and predicts through TrainingWorker; the training runs here, on navigator.gpu.
import { serveTraining } from '../../src/worker/index';

serveTraining();

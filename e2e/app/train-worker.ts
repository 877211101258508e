// The app's training worker (main.ts starts it as a module Worker): its whole script, as README
// "In a Worker" shows it. The page drives the model here with TrainingWorker.
import { serveTraining } from 'webgpu-train/worker';

serveTraining();

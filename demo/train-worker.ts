import { serveTraining } from '../src/worker';
serveTraining();

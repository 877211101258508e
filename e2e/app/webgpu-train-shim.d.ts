// For the repository's own type-check only (`npm run typecheck`, whose tsconfig includes e2e/):
// there, 'webgpu-train' and 'webgpu-train/worker' mean the library source, so main.ts type-checks
// before any build. e2e/package.test.ts type-checks main.ts and train-worker.ts the way a user's app
// would, with e2e/app/tsconfig.json (which leaves this file out), against the built dist/*.d.ts found
// through package.json "exports".
declare module 'webgpu-train' {
  export const createContext: typeof import('../../src/index').createContext;
  export const Sequential: typeof import('../../src/index').Sequential;
  export const VERSION: typeof import('../../src/index').VERSION;
}
declare module 'webgpu-train/worker' {
  export const serveTraining: typeof import('../../src/worker/index').serveTraining;
  export const TrainingWorker: typeof import('../../src/worker/index').TrainingWorker;
}

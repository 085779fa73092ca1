export { Executor, type ExecutorDeps, type RunOutcome } from './executor.js';
export { serviceLease, describeHolder } from './lease.js';
export type { Failure } from './failure.js';

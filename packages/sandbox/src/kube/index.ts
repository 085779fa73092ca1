export {
  startKubeSimulator,
  type KubeSimulator,
  type KubeSimulatorOptions,
  type ServingView,
} from './simulator.js';
export type { ImageState, ClusterLog } from './cluster.js';
export type { FaultSpec, Fault } from './faults.js';
export type { KubeconfigOptions } from './kubeconfig.js';
export type { LoggedRequest } from './server.js';
export type { KubeObject } from './objects.js';

/** A GitOps controller simulator (Argo CD / Flux with self-heal) over the GitHub double and the Kubernetes simulator. */
export { startGitOpsController } from './controller.js';
export type {
  AppStatus,
  GitOpsApp,
  GitOpsController,
  GitOpsControllerOptions,
  SyncEvent,
} from './controller.js';
export { desiredTag } from './manifests.js';

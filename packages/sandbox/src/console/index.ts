/** The sandbox console: a web page over the simulators to click through what a bot does with them. */
export {
  startConsoleServer,
  type ConsoleLog,
  type ConsoleServer,
  type ConsoleServerOptions,
  type ConsoleService,
  type ConsoleWorld,
} from './server.js';
export type { DeploymentRow, DeploymentMetric } from './cluster.js';

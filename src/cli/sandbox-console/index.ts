/** The sandbox console: the world, the bot wired to it, and a web page to click through a rollback. */
export { startSandbox, type RunningSandbox, type StartSandboxOptions } from './start.js';
export type { ConsoleService } from './server.js';
export type { DeploymentRow } from './cluster.js';

/**
 * The CLI's sandbox entry: everything that runs rollbot on the simulators of `@rollbot/sandbox`.
 * Only this folder of `src/` imports that package, and the rest of the CLI reaches this folder
 * only through `../load-sandbox.ts` (a dynamic import), so `rollbot serve` in production never
 * loads simulator code.
 */
export { runDemo } from './commands/demo.js';
export { runDrill } from './commands/drill.js';
export { runSandbox } from './commands/sandbox.js';
export { serveSandbox } from './commands/serve.js';

/** Block Kit views: pure functions from domain data to `{ text, blocks }`. */
export * from './format.js';
export * from './limits.js';
export * from './proposal.js';
export * from './progress.js';
export * from './replies.js';
export * from './revisions.js';
export * from './status.js';
export * from './thread.js';
export * from './unrouted.js';

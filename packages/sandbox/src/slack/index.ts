/** The Slack workspace simulator: Web API, response_urls, signed commands/interactions, inspection. */
export { startSlackSimulator } from './simulator.js';
export type { SlackSimulator, SlackSimulatorOptions, ClickOptions, DeliveryResult } from './simulator.js';
export type { SlackActor } from './actor.js';
export { signSlackRequest, sendSigned } from './signing.js';
export type { SignedRequest, SignedResponse } from './signing.js';
export { renderMessage, plainMrkdwn } from './render.js';
export type { RenderOptions } from './render.js';
export { validateBlocks } from './blocks.js';
export type { SlackFaults } from './faults.js';
export type { SlackSimEvents, SimChannel } from './state.js';
export type { AppIdentity } from './shapes.js';
export type { ApiCall, Block, ResponseUrlPost, SlackFault, StoredEphemeral, StoredMessage } from './types.js';
export { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } from './response-url.js';
export type { RateLimitOptions } from './rate-limit.js';
export { DEFAULT_RATE_LIMIT, METHOD_LIMITS, TIERS } from './rate-limit.js';

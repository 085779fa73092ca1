/**
 * The request id of the HTTP request being handled, carried through its async work with
 * AsyncLocalStorage, so every log line written on its behalf — by the webhook parser, the intake,
 * Bolt — carries `reqId` without each function passing a logger down (pino-http binds a child
 * logger to `req.log`; this reaches code that never sees `req`). Work started by a request and
 * still running after its reply (an approval's rollback) keeps the id of the request that caused it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const storage = new AsyncLocalStorage<string>();

/** An incoming `x-request-id` is kept when it looks like one (a proxy's or a load balancer's). */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE_ID.test(header) ? header : randomUUID();
}

export function withRequestId<T>(id: string, fn: () => T): T {
  return storage.run(id, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore();
}

/**
 * `?watch=true`: newline-delimited JSON events over a chunked response, as the apiserver streams
 * them. Without resourceVersion (or "0") the stream opens with synthetic ADDED events for what
 * exists; with one it replays history after it (or sends a 410 Expired ERROR event). Selector
 * transitions become ADDED/DELETED as in the watch cache. Ends after `timeoutSeconds`. With
 * `allowWatchBookmarks`, a BOOKMARK carrying the current resourceVersion arrives every
 * `bookmarkInterval` (not at watch start, as the apiserver does not send one then either).
 */
import type { ServerResponse } from 'node:http';
import type { Cluster } from './cluster.js';
import type { KubeObject } from './objects.js';
import { selectObjects, withType, type ApiRequest } from './reads.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import type { StoreEvent } from './store.js';
import { badRequest, resourceExpired } from './status.js';

export interface WatchOptions {
  /** Fault injection: end the stream after this long. */
  endAfterMs?: number;
  /** Called when the stream ends, for the simulator's bookkeeping. */
  onEnd?: () => void;
}

export function serveWatch(c: Cluster, req: ApiRequest, res: ServerResponse, opts: WatchOptions = {}): void {
  const labels = parseLabelSelector(req.query.get('labelSelector'));
  const fields = parseFieldSelector(req.query.get('fieldSelector'), req.info.kind);
  const rvParam = req.query.get('resourceVersion') ?? '';
  if (rvParam !== '' && !/^\d+$/.test(rvParam))
    throw badRequest(`resourceVersion: Invalid value: "${rvParam}": must be a non-negative integer`);
  const namespace = req.info.namespaced ? req.namespace : undefined;
  const matches = (o: KubeObject | undefined): boolean =>
    o !== undefined &&
    (namespace === undefined || o.metadata.namespace === namespace) &&
    labels.matches(o.metadata.labels) &&
    fields.matches(o);

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  // The apiserver flushes the headers at once; a client waiting for them (client-go's reflector
  // when no event is due) would otherwise hang until the first event or bookmark.
  res.flushHeaders();
  const send = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };

  const translate = (e: StoreEvent): void => {
    if (e.resource !== req.info.resource) return;
    const now = e.type === 'DELETED' ? false : matches(e.object);
    const before = e.type === 'ADDED' ? false : matches(e.previous);
    if (e.type === 'DELETED') {
      if (before) send('DELETED', withType(req.info, e.object));
    } else if (now && before) send('MODIFIED', withType(req.info, e.object));
    else if (now) send('ADDED', withType(req.info, e.object));
    else if (before) send('DELETED', withType(req.info, e.object));
  };

  if (rvParam === '' || rvParam === '0') {
    for (const obj of selectObjects(c, req)) send('ADDED', withType(req.info, obj));
  } else {
    const events = c.store.eventsSince(req.info.resource, Number(rvParam));
    if (events === 'expired') {
      send(
        'ERROR',
        resourceExpired(`too old resource version: ${rvParam} (${c.store.currentResourceVersion()})`).status,
      );
      res.end();
      opts.onEnd?.();
      return;
    }
    for (const e of events) translate(e);
  }
  const unsubscribe = c.store.subscribe(translate);
  const timers: NodeJS.Timeout[] = [];
  if (req.query.get('allowWatchBookmarks') === 'true') {
    const bookmark = setInterval(
      () =>
        send('BOOKMARK', {
          kind: req.info.kind,
          apiVersion: withType(req.info, { metadata: { name: '' } }).apiVersion,
          metadata: { resourceVersion: String(c.store.currentResourceVersion()) },
        }),
      Math.max(1, c.timing.bookmarkIntervalMs),
    );
    timers.push(bookmark);
  }
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
    opts.onEnd?.();
  };
  const timeoutSeconds = Number(req.query.get('timeoutSeconds') ?? '0');
  if (timeoutSeconds > 0) timers.push(setTimeout(end, timeoutSeconds * 1000));
  if (opts.endAfterMs !== undefined) timers.push(setTimeout(end, opts.endAfterMs));
  res.on('close', end);
}

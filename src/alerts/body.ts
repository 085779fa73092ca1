/**
 * Reads a request body up to a byte limit. Past the limit it stops keeping bytes at once (memory
 * stays bounded by the limit) and reports `too_large`; the caller answers 413 with
 * `Connection: close`, so the socket is dropped once the reply is out.
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { kind: 'ok'; body: Buffer }
  | { kind: 'too_large' }
  /** The client went away or the stream failed: nobody to answer. */
  | { kind: 'aborted' };

const ignore = () => {};

export function readBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  // A stream error after we stop listening must not become an uncaught exception.
  req.on('error', ignore);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume(); // discard; do not buffer what we will refuse
    return Promise.resolve({ kind: 'too_large' });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (result: BodyResult) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        finish({ kind: 'too_large' });
        req.resume(); // keep draining into nothing until the 413 is sent and the socket closes
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'ok', body: Buffer.concat(chunks, size) });
    const onError = () => finish({ kind: 'aborted' });
    const onAborted = () => finish({ kind: 'aborted' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

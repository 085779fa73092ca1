import pino, { type Logger, type DestinationStream } from 'pino';
import { currentRequestId } from './request-context.js';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a log line: tokens, secrets, passwords and
 * authorization headers (invariant 7: secrets never reach logs). test/security/secrets.test.ts
 * checks every line of a full run.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  '*.*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'secret',
  '*.secret',
  '*.*.secret',
  'password',
  '*.password',
  '*.*.password',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'headers["x-slack-signature"]',
  '*.headers.authorization',
  'config.slack',
  'config.webhooks',
  'config.github.token',
];

export function createLogger(
  opts: { level?: string; name?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      name: opts.name ?? 'rollbot',
      level: opts.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // Every line written while an HTTP request is handled names it (src/log/request-context.ts).
      mixin: () => {
        const reqId = currentRequestId();
        return reqId === undefined ? {} : { reqId };
      },
    },
    opts.destination,
  );
}

/** A child logger for one incident: every line carries the incident id, service and runbook. */
export function incidentLogger(
  log: Logger,
  incident: { id: string; service?: string; runbook?: string },
): Logger {
  return log.child({ incidentId: incident.id, service: incident.service, runbook: incident.runbook });
}

/** Collects log lines in memory (tests assert on them; the secrets test scans them). */
export function memoryDestination(): DestinationStream & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    write(line: string) {
      lines.push(line);
    },
  };
}

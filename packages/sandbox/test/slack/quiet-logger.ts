import { LogLevel, type Logger } from '@slack/web-api';

/** A Slack SDK logger that keeps what it is told (WebClient logs Slack's error messages at ERROR). */
export function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (...msgs: unknown[]) => void lines.push(msgs.map(String).join(' '));
  return {
    lines,
    debug: keep,
    info: keep,
    warn: keep,
    error: keep,
    setLevel: () => undefined,
    getLevel: () => LogLevel.ERROR,
    setName: () => undefined,
  };
}

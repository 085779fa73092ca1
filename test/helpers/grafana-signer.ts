/**
 * Signs a webhook body the way Grafana does, written independently from rollbot's verifier, from
 * grafana/alerting `http/hmac.go` (`HMACRoundTripper.sign`): a hex HMAC-SHA256 keyed with the
 * secret over the raw body; when a timestamp header is configured, Grafana first writes
 * `strconv.FormatInt(clk.Now().Unix(), 10)` into that header and into the hash, then ":", then the
 * body. The signature goes into the configured header, by default `defaultHeaderName`,
 * "X-Grafana-Alerting-Signature".
 */
import { createHmac } from 'node:crypto';

export const GRAFANA_HMAC_DEFAULT_HEADER = 'X-Grafana-Alerting-Signature';

export function grafanaSignedHeaders(opts: {
  secret: string;
  body: string;
  header?: string | undefined;
  timestampHeader?: string | undefined;
  nowMs?: number;
}): Record<string, string> {
  const hash = createHmac('sha256', opts.secret);
  const headers: Record<string, string> = {};
  if (opts.timestampHeader) {
    const unixSeconds = String(Math.floor((opts.nowMs ?? Date.now()) / 1000)); // Go's Time.Unix() truncates
    headers[opts.timestampHeader] = unixSeconds;
    hash.update(unixSeconds);
    hash.update(':');
  }
  hash.update(opts.body);
  headers[opts.header || GRAFANA_HMAC_DEFAULT_HEADER] = hash.digest('hex');
  return headers;
}

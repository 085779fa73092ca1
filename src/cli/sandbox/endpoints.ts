import { SECRET_VARIABLES, type SandboxWorld } from './world.js';

/**
 * What someone needs to point a real sender at the sandbox: each webhook's URL and the secret it
 * takes. A secret the environment supplied is named, not echoed (the operator has it already); a
 * generated one is printed, or a real Alertmanager, Grafana or curl could only ever get 401.
 */
export function webhookLines(
  world: SandboxWorld,
  botUrl: string,
  prometheusUrl: string | undefined,
): string[] {
  const shown = (key: keyof typeof SECRET_VARIABLES): string => {
    const value = world.secrets[key];
    if (value === undefined) return '';
    return world.generated.has(key)
      ? `${value}  (generated; set ${SECRET_VARIABLES[key]} to choose it)`
      : `from ${SECRET_VARIABLES[key]}`;
  };
  const grafana = world.secrets.grafanaHmacSecret
    ? `HMAC secret ${shown('grafanaHmacSecret')}`
    : `bearer ${shown('grafanaToken')}`;
  return [
    `POST ${botUrl}/webhooks/alertmanager  bearer ${shown('alertmanagerToken')}`,
    `POST ${botUrl}/webhooks/grafana       ${grafana}`,
    `POST ${botUrl}/webhooks/generic       HMAC secret ${shown('genericSecret')}`,
    `POST ${botUrl}/slack/events           signing secret ${shown('signingSecret')}`,
    prometheusUrl && prometheusUrl !== world.prometheus.url
      ? `prometheus.check steps without url: query ${prometheusUrl} (PROMETHEUS_URL)`
      : `prometheus.check steps without url: query the simulator (set PROMETHEUS_URL for a real one)`,
  ];
}

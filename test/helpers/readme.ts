/**
 * The README's copy-paste snippets, as the tests use them: the docs are the tested config.
 */
import { readFileSync } from 'node:fs';

export const README_PATH = new URL('../../README.md', import.meta.url).pathname;

/** The one ```yaml block of README.md that contains `marker` (throws if none or several). */
export function readmeYaml(marker: string): string {
  const text = readFileSync(README_PATH, 'utf8');
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .filter((b) => b.includes(marker));
  if (blocks.length !== 1)
    throw new Error(
      `README.md has ${blocks.length} yaml blocks containing "${marker}"; expected exactly one`,
    );
  return blocks[0]!;
}

/** The Alertmanager snippet with its placeholders filled: the receiver URL and bearer token. */
export function readmeAlertmanagerConfig(opts: { webhookUrl: string; token: string }): string {
  const text = readmeYaml('webhook_configs');
  const url = 'https://rollbot.example.com/webhooks/alertmanager';
  if (!text.includes(url) || !text.includes('<WEBHOOK_ALERTMANAGER_TOKEN>'))
    throw new Error('the README Alertmanager snippet lost its URL or token placeholder');
  return text.replace(url, opts.webhookUrl).replace('<WEBHOOK_ALERTMANAGER_TOKEN>', opts.token);
}

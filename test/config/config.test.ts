import { readFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/index.js';
import { envSchema } from '../../src/config/schema.js';
import { RollbotError } from '../../src/core/errors.js';

const production = {
  SLACK_SIGNING_SECRET: 'abc123',
  SLACK_BOT_TOKEN: 'xoxb-1-2-3',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

function failure(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(RollbotError);
    expect((err as RollbotError).code).toBe('config_invalid');
    return (err as RollbotError).message;
  }
  throw new Error('expected loadConfig to fail');
}

describe('config', () => {
  test('sandbox mode needs no Slack or cluster credentials and uses memory without REDIS_URL', () => {
    const c = loadConfig({ ROLLBOT_MODE: 'sandbox' });
    expect(c.mode).toBe('sandbox');
    expect(c.store.kind).toBe('memory');
    expect(c.http.port).toBe(3000);
    expect(loadConfig({ ROLLBOT_MODE: 'sandbox', REDIS_URL: 'redis://x:1' }).store.kind).toBe('redis');
  });

  test('production without SLACK_SIGNING_SECRET refuses, naming the variable and the fix', () => {
    const { SLACK_SIGNING_SECRET: _omit, ...rest } = production;
    const message = failure(rest);
    expect(message).toContain('SLACK_SIGNING_SECRET is missing');
    expect(message).toContain('Signing Secret');
  });

  test('malformed variables are each named with the reason', () => {
    const message = failure({
      ...production,
      PORT: 'eighty',
      SLACK_BOT_TOKEN: 'abc',
      LEASE_TTL: '5 minutes',
      REDIS_URL: 'http://x',
    });
    expect(message).toMatch(/PORT is invalid/);
    expect(message).toMatch(
      /SLACK_BOT_TOKEN is invalid: expected the Bot User OAuth Token, starting with xoxb-/,
    );
    expect(message).toMatch(/LEASE_TTL is invalid: expected a duration/);
    expect(message).toMatch(/REDIS_URL is invalid/);
  });

  test.each([
    [
      'SLACK_BOT_TOKEN',
      'xoxp-111-222-333-userSECRET',
      'this is a user token: rollbot would act as the person who installed the app; expected the Bot User OAuth Token, starting with xoxb-',
    ],
    [
      'SLACK_BOT_TOKEN',
      'xapp-1-A0-222-appSECRET',
      'this is an app-level token (it belongs in SLACK_APP_TOKEN); expected the Bot User OAuth Token, starting with xoxb-',
    ],
    [
      'SLACK_APP_TOKEN',
      'xoxb-1-2-botSECRET',
      'this is a bot token (it belongs in SLACK_BOT_TOKEN); expected an app-level token, starting with xapp-',
    ],
    [
      'SLACK_APP_TOKEN',
      'xoxe.xoxp-1-refreshSECRET',
      'this is a refresh token; expected an app-level token, starting with xapp-',
    ],
  ])('%s=%s is refused at start-up, saying which token it is and never echoing it', (name, token, reason) => {
    const message = failure({ ...production, [name]: token });
    expect(message).toContain(`${name} is invalid: ${reason}`);
    expect(message).not.toContain('SECRET');
  });

  test('production requires a Redis', () => {
    const { REDIS_URL: _omit, ...rest } = production;
    expect(failure(rest)).toContain('REDIS_URL is missing');
    expect(
      loadConfig({ ...rest, REDIS_SENTINELS: 'a:26379,b:26379', REDIS_SENTINEL_NAME: 'm' }).store.redis
        .sentinels,
    ).toEqual(['a:26379', 'b:26379']);
  });

  test('durations and numbers are parsed', () => {
    const c = loadConfig({ ...production, LEASE_TTL: '45s', SHUTDOWN_GRACE: '2m', PORT: '8080' });
    expect(c.leaseTtlMs).toBe(45_000);
    expect(c.shutdownGraceMs).toBe(120_000);
    expect(c.http.port).toBe(8080);
  });

  test('.env.example documents every variable the schema reads, and nothing else', () => {
    const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const documented = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)]
      .map((m) => m[1]!)
      .filter((n) => !n.startsWith('RUNBOOK_VAR_'));
    expect(documented.sort()).toEqual(Object.keys(envSchema.shape).sort());
    // every variable has a comment line right above it
    const lines = text.split('\n');
    for (const name of documented) {
      const i = lines.findIndex((l) => l.startsWith(`${name}=`));
      expect(
        lines
          .slice(0, i)
          .reverse()
          .find((l) => l.trim() !== '' && !/^[A-Z]/.test(l)),
      ).toMatch(/^#/);
    }
  });
});

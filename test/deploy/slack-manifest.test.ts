/**
 * slack-app-manifest.yaml (HTTP) and slack-app-manifest.socket-mode.yaml: they parse, follow the
 * app-manifest format (@slack/web-api's Manifest type: field names and Slack's length limits),
 * and request exactly the bot scopes of the Web API methods rollbot's source calls — found by
 * scanning src/ for `client.<method>(`, so a new call without its scope fails here.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readDocs, ROOT } from './manifests.js';

type Any = any;

/** Bot scope each Web API method needs (api.slack.com/methods); null = none. */
const SCOPE_OF: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.getPermalink': null,
  'usergroups.users.list': 'usergroups:read',
  'users.info': 'users:read',
  'auth.test': null,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'sandbox' ? [] : sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** What rollbot's own code (not the sandbox) calls and registers with Bolt. */
function slackUsage(): { methods: Set<string>; commands: Set<string>; events: number } {
  const methods = new Set<string>();
  const commands = new Set<string>();
  let events = 0;
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const text = readFileSync(file, 'utf8');
    if (!/@slack\/(bolt|web-api)/.test(text)) continue;
    for (const m of text.matchAll(/\bclient\.([a-z]+(?:\.[a-zA-Z]+)+)\(/g)) methods.add(m[1]!);
    for (const m of text.matchAll(/\bapp\.command\(\s*'([^']+)'/g)) commands.add(m[1]!);
    events += [...text.matchAll(/\bapp\.(event|message|shortcut|view|options)\(/g)].length;
    if (/\bapiCall\(/.test(text))
      throw new Error(`${relative(ROOT, file)} calls apiCall: map its method here`);
  }
  return { methods, commands, events };
}

const load = (name: string): Any => {
  const docs = readDocs(join(ROOT, name));
  expect(docs).toHaveLength(1);
  return docs[0];
};
const http = (): Any => load('slack-app-manifest.yaml');
const socket = (): Any => load('slack-app-manifest.socket-mode.yaml');

describe('Slack app manifests', () => {
  test('request exactly the bot scopes of the methods rollbot calls', () => {
    const { methods, commands } = slackUsage();
    expect(methods.size).toBeGreaterThan(0);
    const unknown = [...methods].filter((m) => !(m in SCOPE_OF));
    expect(unknown).toEqual([]); // a new Web API call: add its scope to SCOPE_OF and the manifests
    const expected = new Set([...methods].map((m) => SCOPE_OF[m]).filter((s): s is string => !!s));
    if (commands.size > 0) expected.add('commands');
    for (const m of [http(), socket()]) {
      expect([...m.oauth_config.scopes.bot].sort()).toEqual([...expected].sort());
      expect(m.oauth_config.scopes.user).toBeUndefined();
    }
  });

  test('declare the slash commands rollbot registers, and no event subscriptions (it handles none)', () => {
    const { commands, events } = slackUsage();
    expect(events).toBe(0);
    for (const m of [http(), socket()]) {
      expect(m.features.slash_commands.map((c: Any) => c.command).sort()).toEqual([...commands].sort());
      expect(m.settings.event_subscriptions).toBeUndefined();
    }
  });

  test('follow the app-manifest format and its limits', () => {
    for (const m of [http(), socket()]) {
      expect(Object.keys(m).sort()).toEqual([
        '_metadata',
        'display_information',
        'features',
        'oauth_config',
        'settings',
      ]);
      expect(m._metadata).toEqual({ major_version: 1, minor_version: 1 });
      expect(m.display_information.name.length).toBeLessThanOrEqual(35);
      expect(m.display_information.description.length).toBeLessThanOrEqual(140);
      expect(m.display_information.background_color).toMatch(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
      expect(m.features.bot_user).toEqual({ display_name: 'rollbot', always_online: true });
      expect(m.features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
      for (const c of m.features.slash_commands) {
        expect(c.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
        expect(c.description.length).toBeGreaterThan(0);
        expect(c.description.length).toBeLessThanOrEqual(2000);
        expect(c.usage_hint.length).toBeLessThanOrEqual(1000);
        expect(c.should_escape).toBe(false);
      }
      expect(m.settings.interactivity.is_enabled).toBe(true);
      expect(m.settings.org_deploy_enabled).toBe(false);
      expect(m.settings.token_rotation_enabled).toBe(false);
    }
  });

  test('HTTP mode: slash command and interactivity go to rollbot /slack/events over https', () => {
    const m = http();
    expect(m.settings.socket_mode_enabled).toBe(false);
    const url = 'https://rollbot.example.com/slack/events';
    expect(m.features.slash_commands.map((c: Any) => c.url)).toEqual([url]);
    expect(m.settings.interactivity.request_url).toBe(url);
    // The route rollbot serves (src/http/slack-events.ts).
    expect(readFileSync(join(ROOT, 'src/http/slack-events.ts'), 'utf8')).toContain(
      `'${new URL(url).pathname}'`,
    );
  });

  test('Socket Mode: socket_mode_enabled, no URLs, otherwise the same app', () => {
    const m = socket();
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(JSON.stringify(m)).not.toMatch(/https?:\/\//);
    const strip = (x: Any): Any => {
      const c = structuredClone(x);
      for (const cmd of c.features.slash_commands) delete cmd.url;
      delete c.settings.interactivity.request_url;
      delete c.settings.socket_mode_enabled;
      return c;
    };
    expect(strip(m)).toEqual(strip(http()));
  });
});

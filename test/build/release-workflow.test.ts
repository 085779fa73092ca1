/**
 * The release workflow (.github/workflows/release.yml) cannot run here (no GitHub, no Docker
 * daemon), so what it promises is checked on its text: a version tag builds the Dockerfile with
 * the commit baked in, refuses a tag that is not package.json's version, runs the image's
 * `--version` before pushing, and pushes ghcr.io/<owner>/<repository> under the release's tags —
 * the name deploy/ points at.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url).pathname;
type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown> };
const workflow = parse(readFileSync(`${ROOT}.github/workflows/release.yml`, 'utf8')) as {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, { steps: Step[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const builds = steps.filter((s) => s.uses?.startsWith('docker/build-push-action@'));

test('runs on version tags only, and may write packages', () => {
  expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] } });
  expect(workflow.permissions).toEqual({ contents: 'read', packages: 'write' });
});

test('refuses a tag that is not v<package.json version> before building anything', () => {
  const guard = steps.findIndex((s) => s.run?.includes('require("./package.json").version'));
  expect(guard).toBeGreaterThan(-1);
  expect(steps[guard]!.run).toContain('"v${version}"');
  expect(guard).toBeLessThan(steps.indexOf(builds[0]!));
});

test('builds the Dockerfile with the commit, checks `--version`, then pushes ghcr.io/<owner>/<repository>', () => {
  expect(builds).toHaveLength(2);
  const [candidate, push] = builds as [Step, Step];
  for (const b of builds)
    expect(b.with).toMatchObject({ context: '.', 'build-args': 'ROLLBOT_COMMIT=${{ github.sha }}' });
  expect(candidate.with).toMatchObject({ load: true });
  expect(candidate.with?.push).toBeUndefined();
  const check = steps.find((s) => s.run?.includes('--version'))!;
  expect(steps.indexOf(check)).toBeGreaterThan(steps.indexOf(candidate));
  expect(steps.indexOf(check)).toBeLessThan(steps.indexOf(push));
  expect(push.with).toMatchObject({ push: true, tags: '${{ steps.meta.outputs.tags }}' });
  const meta = steps.find((s) => s.uses?.startsWith('docker/metadata-action@'))!;
  expect(meta.with?.images).toBe('ghcr.io/${{ github.repository }}');
  expect(String(meta.with?.tags).trim().split('\n')).toEqual([
    'type=semver,pattern={{version}}',
    'type=semver,pattern={{major}}.{{minor}}',
    'type=sha,prefix=sha-',
  ]);
  expect(
    steps.some((s) => s.uses?.startsWith('docker/login-action@') && s.with?.registry === 'ghcr.io'),
  ).toBe(true);
});

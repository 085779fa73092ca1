/**
 * What ships holds no simulator code. Builds with scripts/build.mjs as `npm ci` (a checkout: the
 * product, the sandbox bundle and their shared chunks) and the Dockerfile (`--product-only`:
 * rollbot.mjs alone) do, reads esbuild's metafile, and runs the image's bundle on its own, where
 * the sandbox commands must say where the sandbox is instead of failing with a stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const SIMULATOR_CODE = /^(packages\/|src\/cli\/sandbox\/)/;

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<
    string,
    {
      entryPoint?: string;
      inputs: Record<string, unknown>;
      imports: { path: string; kind: string; external?: boolean }[];
    }
  >;
}

function run(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out, err })),
  );
}

async function buildInto(
  dir: string,
  flags: string[] = [],
  env: Record<string, string> = {},
): Promise<Metafile> {
  const built = await run(['scripts/build.mjs', '--outdir', dir, '--metafile', ...flags], env);
  expect(built).toMatchObject({ code: 0, err: '' });
  return JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Metafile;
}

/** The source files in an output and every output it imports, except the sandbox bundle. */
function productInputs(meta: Metafile): string[] {
  const key = (file: string) => Object.keys(meta.outputs).find((k) => k.endsWith(`/${file}`) || k === file)!;
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    for (const i of meta.outputs[output]!.imports) if (!i.external && meta.outputs[i.path]) visit(i.path);
  };
  visit(key('rollbot.mjs'));
  return [...seen].flatMap((o) => Object.keys(meta.outputs[o]!.inputs));
}

// What the Dockerfile's build argument (the release workflow's git SHA) hands the image build.
const IMAGE_COMMIT = 'feedc0ffee12';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let checkout: string;
let image: string;
let checkoutMeta: Metafile;
let imageMeta: Metafile;

beforeAll(async () => {
  // Inside node_modules/.cache, so the sandbox bundle resolves @rollbot/sandbox as it does in dist/.
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  checkout = await mkdtemp(join(ROOT, 'node_modules/.cache/rollbot-bundles-'));
  image = await mkdtemp(join(tmpdir(), 'rollbot-image-'));
  [checkoutMeta, imageMeta] = await Promise.all([
    buildInto(checkout),
    buildInto(image, ['--product-only'], { ROLLBOT_COMMIT: IMAGE_COMMIT }),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([checkout, image].filter(Boolean).map((d) => rm(d, { recursive: true, force: true })));
});

describe('the production bundle', () => {
  test('the image build is rollbot.mjs alone, and no source of the sandbox is in it', async () => {
    expect((await readdir(image)).sort()).toEqual(['meta.json', 'rollbot.mjs', 'rollbot.mjs.map']);
    const inputs = productInputs(imageMeta);
    expect(inputs).toContain('src/cli/main.ts');
    expect(inputs).toContain('src/cli/load-sandbox.ts');
    expect(inputs.filter((f) => SIMULATOR_CODE.test(f))).toEqual([]);
    expect(Object.keys(imageMeta.inputs).filter((f) => SIMULATOR_CODE.test(f))).toEqual([]);
    // The one way to the sandbox is a dynamic import of a file that is not there.
    const out = Object.values(imageMeta.outputs).find((o) => o.entryPoint === 'src/cli/main.ts')!;
    expect(out.imports).toContainEqual({
      path: './rollbot-sandbox.mjs',
      kind: 'dynamic-import',
      external: true,
    });
  });

  test('in a checkout, rollbot.mjs and what it loads hold no sandbox source; the sandbox bundle holds the simulators', () => {
    expect(productInputs(checkoutMeta).filter((f) => SIMULATOR_CODE.test(f))).toEqual([]);
    const sandbox = Object.entries(checkoutMeta.outputs).find(
      ([, o]) => o.entryPoint === 'src/cli/sandbox/index.ts',
    );
    expect(sandbox?.[0]).toMatch(/rollbot-sandbox\.mjs$/);
    expect(Object.keys(sandbox![1].inputs)).toEqual(
      expect.arrayContaining([
        'packages/sandbox/src/kube/simulator.ts',
        'packages/sandbox/src/slack/simulator.ts',
      ]),
    );
  });

  test('the image says the sandbox is not part of it (exit 1, no stack trace) for every sandbox command', async () => {
    const bundle = join(image, 'rollbot.mjs');
    for (const [args, env] of [
      [['demo'], {}],
      [['drill', 'payments-api'], {}],
      [['sandbox', '--port', '0'], {}],
      [['serve'], { ROLLBOT_MODE: 'sandbox', PORT: '0' }],
    ] as [string[], Record<string, string>][]) {
      const result = await run([bundle, ...args], env, image);
      expect(result).toEqual({
        code: 1,
        out: '',
        err: 'rollbot: the sandbox is not part of this image\n  run it from a checkout: npm ci && npm run demo\n',
      });
    }
    // The rest of the command line is all there.
    const help = await run([bundle, '--help'], {}, image);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/demo[\s\S]*sandbox[\s\S]*drill[\s\S]*runbooks/);
  });

  test('the bundle knows its version and commit without package.json or .git beside it', async () => {
    const version = await run([join(image, 'rollbot.mjs'), '--version'], {}, image);
    expect(version).toEqual({
      code: 0,
      out: `rollbot ${VERSION} (commit ${IMAGE_COMMIT}, Node.js ${process.version})\n`,
      err: '',
    });
  });

  test('in a checkout, rollbot.mjs hands a drill over to the sandbox bundle, which finds its scenario', async () => {
    const out = await mkdtemp(join(tmpdir(), 'rollbot-drill-'));
    const { REDIS_URL: _redis, ...env } = process.env;
    const drill = await run([join(checkout, 'rollbot.mjs'), 'drill', 'payments-api', '--out', out], {
      ...(env as Record<string, string>),
    });
    await rm(out, { recursive: true, force: true });
    expect(drill.err).toBe('');
    expect(drill.out).toContain('Drill passed');
    expect(drill.code).toBe(0);
  }, 120_000);
});

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));

  test('builds the product only and ships rollbot.mjs alone; the sandbox is not in the build context', () => {
    expect(dockerfile).toMatch(/node scripts\/build\.mjs --product-only/);
    const copies = runtime.match(/^COPY --from=build .*$/gm) ?? [];
    expect(copies).toEqual(['COPY --from=build /app/dist/rollbot.mjs /app/dist/rollbot.mjs.map ./dist/']);
    expect(dockerfile).not.toMatch(/COPY packages/);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['packages', 'src/cli/sandbox']));
  });

  test('runs on Node 24 (the current LTS) in both stages, and bakes in the commit it was built from', () => {
    expect(dockerfile.match(/^FROM \S+/gm)).toEqual([
      'FROM node:24-bookworm-slim',
      'FROM node:24-bookworm-slim',
    ]);
    expect(dockerfile).toMatch(/^ARG ROLLBOT_COMMIT=unknown$/m);
    expect(dockerfile).toMatch(/ROLLBOT_COMMIT=\$\{ROLLBOT_COMMIT\} node scripts\/build\.mjs --product-only/);
  });

  test('ships no example runbooks (they come from the operator: a ConfigMap or a repository)', () => {
    expect(runtime).not.toMatch(/^COPY runbooks/m);
  });
});

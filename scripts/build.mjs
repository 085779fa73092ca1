// Builds the CLI with esbuild (a dependency of tsx, already installed) into two bundles:
//   dist/rollbot.mjs          the product: every command, no simulator code (what the image ships)
//   dist/rollbot-sandbox.mjs  the CLI's sandbox entry (src/cli/sandbox/ and @rollbot/sandbox),
//                             which rollbot.mjs imports only when demo, drill, sandbox or
//                             `serve` in sandbox mode runs (src/cli/load-sandbox.ts)
// One file loads in a fraction of the time of thousands of modules, which is what keeps
// `rollbot serve` starting in well under 2 s. `npm ci` runs this (prepare).
// Options: --outdir <dir> (default dist), --product-only (the image's build: rollbot.mjs alone,
// one file), --metafile (writes <outdir>/meta.json: which source file went into which output).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    outdir: { type: 'string', default: 'dist' },
    'product-only': { type: 'boolean', default: false },
    metafile: { type: 'boolean', default: false },
  },
});

const SANDBOX_BUNDLE = 'rollbot-sandbox.mjs';

// The product reaches the sandbox entry through one dynamic import in load-sandbox.ts; here it
// becomes an import of the sandbox bundle beside it, so nothing behind it enters rollbot.mjs.
const sandboxApart = {
  name: 'sandbox-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/sandbox\/index\.js$/ }, (args) =>
      args.importer.endsWith('src/cli/load-sandbox.ts') ? { path: `./${SANDBOX_BUNDLE}`, external: true } : undefined,
    );
  },
};

// What `rollbot --version`, /healthz and rollbot_build_info report (src/config/build.ts): the
// package version, and the commit from ROLLBOT_COMMIT (the Dockerfile's build argument: the image
// build has no .git) or git.
const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown'; // no git here (the image build without ROLLBOT_COMMIT): the version still names it
  }
}
const commit = (process.env.ROLLBOT_COMMIT || gitCommit()).slice(0, 12);

const common = {
  define: { __ROLLBOT_VERSION__: JSON.stringify(version), __ROLLBOT_COMMIT__: JSON.stringify(commit) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: true,
  outdir: opts.outdir,
  outExtension: { '.js': '.mjs' },
  plugins: [sandboxApart],
  // Bundled CommonJS dependencies call require(); give each ESM output one.
  // Node 22+ warns (DEP0040) on stderr when a bundled dependency loads the built-in punycode module;
  // that line is not rollbot's to fix and would be the first thing an operator reads. Only that
  // warning is dropped, before any bundled module runs; bin/rollbot.js does the same from source.
  banner: {
    js:
      "import { createRequire as __rollbotRequire } from 'node:module'; const require = __rollbotRequire(import.meta.url);" +
      "process.emitWarning = ((emit) => function (w, ...a) { if ((a[0] && typeof a[0] === 'object' ? a[0].code : a[1]) === 'DEP0040') return; return emit.call(process, w, ...a); })(process.emitWarning);",
  },
};

mkdirSync(opts.outdir, { recursive: true });

const result = opts['product-only']
  ? // The image: one self-contained file, nothing of the sandbox beside it.
    await build({ ...common, entryPoints: { rollbot: 'src/cli/main.ts' } })
  : // A checkout: both entries in one build, so what they share is loaded once (chunks/) when
    // rollbot.mjs hands over to the sandbox bundle. esbuild stays outside: the console builds its
    // browser code with it at start-up.
    await build({
      ...common,
      entryPoints: { rollbot: 'src/cli/main.ts', 'rollbot-sandbox': 'src/cli/sandbox/index.ts' },
      splitting: true,
      // Beside the entries (not in a subfolder): the import of ./rollbot-sandbox.mjs is kept as
      // written, relative to whichever output holds load-sandbox.ts.
      chunkNames: 'rollbot-chunk-[hash]',
      external: ['esbuild'],
    });
// Outputs of an earlier build (hashed chunks, a sandbox bundle, the scenario once copied here)
// must not linger. Removed after the build, not before: a rollbot already running from this
// directory keeps finding the files it loads.
const written = new Set(Object.keys(result.metafile.outputs).map((file) => basename(file)));
for (const old of readdirSync(opts.outdir))
  if (/^rollbot-(chunk-|sandbox\.)|^default\.yaml$|^meta\.json$/.test(old) && !written.has(old))
    rmSync(join(opts.outdir, old), { force: true });
if (opts.metafile) writeFileSync(join(opts.outdir, 'meta.json'), JSON.stringify(result.metafile));

// Builds dist/rollbot.mjs: the whole CLI bundled into one file with esbuild (a dependency of
// tsx, already installed). One file loads in a fraction of the time of thousands of modules,
// which is what keeps `rollbot serve` starting in well under 2 s. `npm ci` runs this (prepare).
import { build } from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/rollbot.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __rollbotRequire } from 'node:module'; const require = __rollbotRequire(import.meta.url);" },
});
// Read at run time next to the bundle (new URL('./default.yaml', import.meta.url)).
cpSync('packages/sandbox/src/scenario/default.yaml', 'dist/default.yaml');

/**
 * The console page's files: index.html and console.css as written, and app.js, the browser
 * TypeScript (browser/actions.ts and what it imports) bundled by esbuild for the browser. Built
 * once per process, when the first console starts, from the package's own sources, so the page
 * runs the same from source and from rollbot's dist/ bundle.
 */
import { readFile } from 'node:fs/promises';
import { packageFile } from '../files.js';

export interface Asset {
  type: string;
  body: string;
}

const BROWSER_DIR = packageFile('src', 'console', 'browser');
let assets: Promise<Record<string, Asset>> | undefined;

/** The page's files by URL path; a build error fails the console's start, naming the file. */
export function consoleAssets(): Promise<Record<string, Asset>> {
  assets ??= buildAssets().catch((err: unknown) => {
    assets = undefined;
    throw err;
  });
  return assets;
}

async function buildAssets(): Promise<Record<string, Asset>> {
  // Loaded here, not at the top: only the console needs esbuild, and rollbot's sandbox bundle
  // keeps it external (a native binary cannot be bundled).
  const { build } = await import('esbuild');
  const [script, html, css] = await Promise.all([
    build({
      entryPoints: [`${BROWSER_DIR}/actions.ts`],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      sourcemap: 'inline',
      logLevel: 'silent',
    }),
    readFile(`${BROWSER_DIR}/index.html`, 'utf8'),
    readFile(`${BROWSER_DIR}/console.css`, 'utf8'),
  ]);
  return {
    '/': { type: 'text/html; charset=utf-8', body: html },
    '/console.css': { type: 'text/css; charset=utf-8', body: css },
    '/app.js': { type: 'text/javascript; charset=utf-8', body: script.outputFiles[0]!.text },
  };
}

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * This package's own files (scenarios, the console's browser sources), found the same way
 * whether the code runs from source (tsx, jest) or bundled into rollbot's dist/: Node resolves the
 * package by its name, so the answer does not depend on where the running module was bundled.
 */
export const PACKAGE_DIR = dirname(createRequire(import.meta.url).resolve('@rollbot/sandbox/package.json'));

/** A path inside the package, e.g. `packageFile('src', 'scenario', 'default.yaml')`. */
export const packageFile = (...parts: string[]): string => join(PACKAGE_DIR, ...parts);

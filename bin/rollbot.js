#!/usr/bin/env node
// Entry point for `npx rollbot`: runs the TypeScript sources through tsx so that a fresh
// `npm ci` is enough (no build step). The Docker image runs the compiled dist/ instead.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

// Jest in ESM mode (run with NODE_OPTIONS=--experimental-vm-modules, which `npm test` does).
// Type checking is `npm run typecheck`; ts-jest only transpiles, to keep the suite fast.
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  // The product's tests and the sandbox package's: one run, one config.
  roots: ['<rootDir>/test', '<rootDir>/packages/sandbox/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  // A hang still fails; a busy machine (load 20+ on 2 cores: 1,000 requests took > 30 s) does not.
  testTimeout: 120000,
  maxWorkers: 2,
};

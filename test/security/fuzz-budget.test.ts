import { FUZZ_BUDGET, FUZZ_MINIMUM_TOTAL, fuzzTotal } from './fuzz-budget.js';

// Every property asserts that it ran exactly its budget (see the fuzz-*.test.ts files), so the
// planned total is the executed total whenever the security suite passes.
test(`the fuzz properties run at least ${FUZZ_MINIMUM_TOTAL} cases in total`, () => {
  expect(fuzzTotal()).toBeGreaterThanOrEqual(FUZZ_MINIMUM_TOTAL);
  expect(Object.values(FUZZ_BUDGET).every((n) => n > 0)).toBe(true);
});

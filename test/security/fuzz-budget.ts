/**
 * How many fast-check cases each fuzz property runs (issue 9: at least 10,000 in total across
 * every input edge). Each property counts the cases it really ran and asserts the count equals
 * its budget here; fuzz-budget.test.ts asserts the sum. Pure properties take most of the count;
 * HTTP ones stay small enough for the whole security folder to run in well under a minute.
 */
export const FUZZ_BUDGET = {
  // pure
  grammarArbitraryText: 5000,
  grammarTokens: 3300,
  runbookMutatedYaml: 250,
  runbookRandomYaml: 200,
  runbookLineMutations: 250,
  // webhooks over HTTP (running app)
  webhookAlertmanager: 500,
  webhookGrafana: 400,
  webhookGeneric: 400,
  webhookHeaders: 300,
  // Slack over HTTP (running app), signed correctly
  slackCommandForms: 400,
  slackCommandText: 250,
  slackInteractions: 500,
  slackClicksForgedValue: 150,
  slackRawBodies: 300,
} as const;

export const FUZZ_MINIMUM_TOTAL = 10_000;

export const fuzzTotal = () => Object.values(FUZZ_BUDGET).reduce((a, b) => a + b, 0);

import { readFile } from 'node:fs/promises';
import { renderRunbookJsonSchema } from '../../src/runbooks/json-schema.js';

test('runbooks/runbook.schema.json is up to date (regenerate: rollbot runbooks schema > runbooks/runbook.schema.json)', async () => {
  const committed = await readFile(new URL('../../runbooks/runbook.schema.json', import.meta.url), 'utf8');
  expect(committed).toBe(renderRunbookJsonSchema());
});

test('the JSON Schema documents fields, leaves defaulted fields optional and rejects unknown keys', () => {
  const schema = JSON.parse(renderRunbookJsonSchema());
  expect(schema.required.sort()).toEqual(['approval', 'channel', 'name', 'steps', 'target', 'version']);
  expect(schema.additionalProperties).toBe(false);
  expect(schema.properties.channel.description).toMatch(/Slack channel id/);
  expect(schema.properties.approval.properties.cooldown.pattern).toBeDefined();
});

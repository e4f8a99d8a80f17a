import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlingError } from './errors.ts';

test('SlingError names file, line and field and keeps a stable code', () => {
  const error = new SlingError('invalid_row', 'expected a string', { file: 'train.jsonl', line: 7, field: 'messages', hint: 'see docs/data.md' });
  assert.equal(error.code, 'invalid_row');
  assert.equal(error.message, 'train.jsonl, line 7, field "messages": expected a string (hint: see docs/data.md)');
  assert.ok(SlingError.isInstance(error));
  assert.ok(!SlingError.isInstance(new Error('plain')));
});

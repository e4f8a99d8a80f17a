import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlingError } from '../../core/errors.ts';
import { contentHash, parseCanonicalRow, parseMessages, parseSplit, withSystemPrompt } from './row.ts';

const origin = { file: 'rows.jsonl', line: 7 };

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(SlingError.isInstance(error));
    assert.equal(error.code, 'invalid_row');
    assert.equal(error.file, 'rows.jsonl');
    assert.equal(error.line, 7);
    return error.field;
  }
  assert.fail('expected an invalid_row error');
}

test('invalid rows name the exact field', () => {
  assert.equal(fieldOf(() => parseMessages([], origin)), 'messages');
  assert.equal(fieldOf(() => parseMessages([{ role: 'user', content: 'q' }, { role: 'robot', content: 'a' }], origin)), 'messages[1].role');
  assert.equal(fieldOf(() => parseMessages([{ role: 'user', content: 'q' }, { role: 'assistant', content: 3 }], origin)), 'messages[1].content');
  assert.equal(fieldOf(() => parseMessages([{ role: 'user', content: 'q' }], origin)), 'messages[0].role');
  assert.equal(fieldOf(() => parseMessages([{ role: 'system', content: 's' }, { role: 'assistant', content: 'a' }], origin)), 'messages');
  assert.equal(fieldOf(() => parseSplit('validation', origin)), 'split');
  assert.equal(fieldOf(() => parseCanonicalRow({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }], metadata: [1] }, origin)), 'metadata');
  const message = (() => {
    try {
      parseMessages([{ role: 'user', content: 'q' }], origin);
    } catch (error) {
      return (error as Error).message;
    }
  })();
  assert.match(message!, /rows\.jsonl, line 7, field "messages\[0\]\.role"/);
});

test('splits are read in any case; rows parse to the canonical shape', () => {
  assert.equal(parseSplit('TRAIN', origin), 'train');
  assert.equal(parseSplit(' Test ', origin), 'test');
  assert.equal(parseSplit(undefined, origin), undefined);
  const row = parseCanonicalRow({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a', name: 'x' }], label: 1 }, origin);
  assert.deepEqual(row, { messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }], split: undefined, label: '1', metadata: {} });
});

test('content hash ignores surrounding whitespace and line-end style, not content or roles', () => {
  const base = [{ role: 'user' as const, content: 'Hello\nthere' }, { role: 'assistant' as const, content: 'hi' }];
  assert.equal(contentHash(base), contentHash([{ role: 'user', content: '  Hello\r\nthere ' }, { role: 'assistant', content: 'hi\n' }]));
  assert.notEqual(contentHash(base), contentHash([{ role: 'user', content: 'Hello there' }, { role: 'assistant', content: 'hi' }]));
  assert.notEqual(contentHash(base), contentHash([{ role: 'system', content: 'Hello\nthere' }, { role: 'assistant', content: 'hi' }]));
});

test('a system prompt is added only where there is none', () => {
  const row = { messages: [{ role: 'user' as const, content: 'q' }, { role: 'assistant' as const, content: 'a' }], metadata: {} };
  assert.deepEqual(withSystemPrompt(row, 'be brief').messages[0], { role: 'system', content: 'be brief' });
  const withOwn = { ...row, messages: [{ role: 'system' as const, content: 'own' }, ...row.messages] };
  assert.equal(withSystemPrompt(withOwn, 'be brief').messages[0].content, 'own');
});

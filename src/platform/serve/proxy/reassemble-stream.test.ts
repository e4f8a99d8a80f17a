import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamReassembler } from './reassemble-stream.ts';

test('chat chunks split at arbitrary byte boundaries reassemble into one chat.completion', () => {
  const events = [
    { id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    { id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] },
    { id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta: { content: 'lo ✓' }, finish_reason: null }] },
    { id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    { id: 'c1', object: 'chat.completion.chunk', created: 5, model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
  ];
  const wire = events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join('') + 'data: [DONE]\n\n';
  const reassembler = new StreamReassembler();
  for (let index = 0; index < wire.length; index += 7) reassembler.push(wire.slice(index, index + 7));
  assert.deepEqual(reassembler.result(), {
    id: 'c1',
    object: 'chat.completion',
    created: 5,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello ✓' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  });
});

test('legacy completion chunks and in-stream errors', () => {
  const reassembler = new StreamReassembler();
  reassembler.push('data: {"id":"x","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":"Once","finish_reason":null}]}\n\n');
  reassembler.push('data: {"id":"x","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":" upon","finish_reason":"length"}]}\n\n');
  reassembler.push('data: {"error":{"message":"boom","type":"server_error"}}\n\n');
  const result = reassembler.result()!;
  assert.deepEqual(result.choices, [{ index: 0, text: 'Once upon', finish_reason: 'length' }]);
  assert.equal(result.object, 'text_completion');
  assert.equal(result.usage, null);
  assert.deepEqual(reassembler.error, { message: 'boom', type: 'server_error' });
});

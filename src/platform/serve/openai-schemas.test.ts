import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './openai-errors.ts';
import { chatCompletionBody, completionBody, parseBody } from './openai-schemas.ts';

function refusal(body: unknown, schema = chatCompletionBody): ApiError {
  try {
    parseBody(schema, body);
  } catch (error) {
    assert.ok(error instanceof ApiError);
    return error;
  }
  assert.fail('expected the body to be refused');
}

const chat = { model: 'tiny', messages: [{ role: 'user', content: 'hi' }] };

test('a plain chat body and text parts are accepted', () => {
  const parsed = parseBody(chatCompletionBody, { ...chat, temperature: 0, stream: true, stream_options: { include_usage: true }, n: 1 });
  assert.equal(parsed.temperature, 0);
  const parts = parseBody(chatCompletionBody, { model: 'x', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }] }] });
  assert.equal(parts.messages.length, 1);
  assert.equal(parseBody(completionBody, { model: 'x', prompt: 'Once' }).prompt, 'Once');
});

test('unsupported OpenAI fields get a 400 naming the field', () => {
  for (const [field, value] of [['tools', [{ type: 'function' }]], ['functions', [{}]], ['n', 2], ['logprobs', true], ['frequency_penalty', 0.5]] as const) {
    const error = refusal({ ...chat, [field]: value });
    assert.equal(error.status, 400);
    assert.equal(error.param, field);
    assert.equal(error.code, 'unsupported_parameter');
  }
  const image = refusal({ model: 'x', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] });
  assert.equal(image.param, 'messages[0].content[0]');
  assert.equal(refusal({ model: 'x', messages: [{ role: 'tool', content: 'x', tool_call_id: '1' }] }).param, 'messages[0].role');
});

test('unknown fields and wrong types are refused, never ignored', () => {
  const unknown = refusal({ ...chat, temprature: 0.5 });
  assert.equal(unknown.code, 'unknown_parameter');
  assert.match(unknown.message, /temprature/);
  const wrongType = refusal({ ...chat, max_tokens: 'many' });
  assert.equal(wrongType.param, 'max_tokens');
  assert.equal(refusal({ ...chat, temperature: 3 }).param, 'temperature');
  assert.equal(refusal({ model: 'x', messages: [] }).param, 'messages');
  assert.equal(refusal({ model: 'x', messages: [{ role: 'user', content: 'x'.repeat(200_001) }] }).param, 'messages[0].content');
  assert.equal(refusal([1, 2]).code, 'invalid_body');
  assert.equal(refusal({ ...chat, response_format: { type: 'json_schema' } }).param, 'response_format.json_schema');
});

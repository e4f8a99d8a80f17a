import { test } from 'node:test';
import assert from 'node:assert/strict';
import { schemaProblems } from '../../engine/models/constrained/json-check.ts';
import { generate } from '../../engine/models/generate/generate.ts';
import { chatPrompt } from './chat-prompt.ts';
import { LocalChatModel } from './local-chat-model.ts';
import { loadLocalModel } from './local-model.ts';

test('tiny-random answers through its chat template, and the text equals a direct generate call', async () => {
  const local = await loadLocalModel('tiny-random', { seed: 3 });
  const chat = new LocalChatModel(local);
  const messages = [{ role: 'user' as const, content: 'Say hi' }];
  const result = await chat.complete({ messages, maxTokens: 16 });
  const prompt = chatPrompt(messages, local.tokenizer, local.chatTemplate);
  assert.equal(prompt.text, '<|user|>\nSay hi\n<|assistant|>\n');
  const direct = generate(local.model, local.tokenizer, prompt.ids, { maxTokens: 16 });
  assert.equal(result.text, direct.text);
  assert.equal(result.inputTokens, prompt.ids.length);
  assert.equal(result.outputTokens, direct.tokenIds.length);
  assert.ok(result.computeMs! > 0 && result.latencyMs >= result.computeMs!);
  assert.equal(chat.kind, 'local');
});

test('models without a chat template use the plain template of training', async () => {
  const local = await loadLocalModel('tiny-random');
  const prompt = chatPrompt([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], local.tokenizer);
  assert.equal(prompt.text, '### System:\nBe brief.\n\n### User:\nHi\n\n### Assistant:\n');
  assert.deepEqual(prompt.stopStrings, ['\n### ']);
});

test('responseFormat json_schema gives valid JSON from a random model', async () => {
  const chat = new LocalChatModel(await loadLocalModel('tiny-random', { seed: 5 }), { temperature: 1, seed: 9 });
  const schema = { type: 'object', properties: { label: { enum: ['spam', 'ham'] }, confidence: { type: 'number' } }, required: ['label', 'confidence'] };
  for (let index = 0; index < 5; index++) {
    const result = await chat.complete({ messages: [{ role: 'user', content: `Classify message ${index}` }], maxTokens: 40, responseFormat: { type: 'json_schema', schema } });
    assert.deepEqual(schemaProblems(JSON.parse(result.text), schema), [], result.text);
  }
});

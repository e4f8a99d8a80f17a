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

test('a LoRA adapter folder (PEFT) is applied: kind "adapter", and the answer changes', async () => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { writePeftAdapter } = await import('../../engine/train/adapter/peft-adapter.ts');
  const base = await loadLocalModel('tiny-random', { seed: 2 });
  const folder = mkdtempSync(join(tmpdir(), 'sling-adapter-'));
  try {
    let state = 9;
    const noise = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.5;
    const layers = new Map(base.model.linearModules().filter(([name]) => /q_proj|v_proj/.test(name)).map(([name, module]) => {
      const [outFeatures, inFeatures] = module.namedParameters()[0][1].shape;
      return [name, { a: Float32Array.from({ length: 4 * inFeatures }, noise), b: Float32Array.from({ length: outFeatures * 4 }, noise), inFeatures, outFeatures }];
    }));
    writePeftAdapter(folder, { config: { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false, baseModel: 'tiny-random' }, layers, ropeConvention: 'half' }, base.model.config);
    const adapted = new LocalChatModel(await loadLocalModel('tiny-random', { seed: 2, adapterPath: folder }));
    const plain = new LocalChatModel(base);
    const request = { messages: [{ role: 'user' as const, content: 'Hello there' }], maxTokens: 24 };
    assert.equal(adapted.kind, 'adapter');
    assert.match(adapted.name, /^tiny-random\+sling-adapter-/);
    assert.notEqual((await adapted.complete(request)).text, (await plain.complete(request)).text);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

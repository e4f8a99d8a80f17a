import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderChatTemplate, templateTokens } from './chat-template.ts';
import { HfTokenizer } from './hf-tokenizer.ts';
import { SpmTokenizer } from './spm-tokenizer.ts';
import { byteLevelTokenizerJson } from './spm-to-hf.ts';

// ChatML as published in Qwen2/SmolLM tokenizer_config.json files (default system prompt removed).
const chatml = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
// Llama-2 style template using bos/eos tokens and raise_exception.
const llama2 = "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] | trim + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ ' ' + message['content'] | trim + ' ' + eos_token }}{% endif %}{% endfor %}";

test('ChatML template renders messages and the generation prompt', () => {
  const text = renderChatTemplate(chatml, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], { addGenerationPrompt: true });
  assert.equal(text, '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  assert.equal(renderChatTemplate(chatml, [{ role: 'user', content: 'Hi' }]), '<|im_start|>user\nHi<|im_end|>\n');
});

test('bos/eos tokens are passed to the template, and raise_exception becomes a SlingError', () => {
  const messages = [{ role: 'user', content: 'Hi ' }, { role: 'assistant', content: 'Hello' }];
  assert.equal(renderChatTemplate(llama2, messages, { bosToken: '<s>', eosToken: '</s>' }), '<s>[INST] Hi [/INST] Hello </s>');
  assert.throws(() => renderChatTemplate(llama2, [{ role: 'assistant', content: 'x' }]), (error: Error & { code?: string }) => error.code === 'chat_template_failed' && /alternate/.test(error.message));
  assert.throws(() => renderChatTemplate('{% for %}', []), (error: Error & { code?: string }) => error.code === 'chat_template_invalid');
});

test('templateTokens gives the bos/eos spellings a template expects', () => {
  const spm = new SpmTokenizer({ pieces: ['<unk>', '<s>', '</s>', '▁a'], scores: [0, 0, 0, 0], types: [2, 3, 3, 1], bosId: 1, eosIds: [2] });
  assert.deepEqual(templateTokens(spm), { bosToken: '<s>', eosToken: '</s>' });
  const hf = new HfTokenizer(byteLevelTokenizerJson(), { eos_token: '<|endoftext|>' });
  assert.deepEqual(templateTokens(hf), { bosToken: undefined, eosToken: '<|endoftext|>' });
  const messages = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }];
  assert.equal(renderChatTemplate(llama2, messages, templateTokens(spm)), '<s>[INST] Hi [/INST] Hello </s>');
});

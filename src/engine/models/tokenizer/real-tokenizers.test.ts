/**
 * Real published tokenizers (Llama 3, Qwen2.5, Llama 2, Mistral Nemo; files from the @lenml/tokenizer-*
 * devDependencies) loaded by Sling's HfTokenizer give the same ids and decoded text as the transformers.js-
 * derived reference tokenizer, token bytes concatenate to the text, and the models' own chat templates render
 * exactly as the reference renders them (transformers.js fork, and Python Jinja2 configured as transformers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderChatTemplate, templateTokens, type ChatMessage } from './chat-template.ts';
import { HfTokenizer } from './hf-tokenizer.ts';
import { jinjaReferenceSkip, renderWithPythonJinja } from './jinja-reference.ts';
import { realTokenizerFiles, realTokenizerSkip, referenceTokenizer, type RealTokenizerName } from './real-tokenizers.ts';
import { fixedCorpus, randomCorpus } from './tokenizer-corpus.ts';

const expectations: Record<RealTokenizerName, { vocabSize: number; bosId?: number; eosId: number; special: string[] }> = {
  llama3: { vocabSize: 128256, bosId: 128000, eosId: 128001, special: ['<|begin_of_text|>', '<|eot_id|>', '<|start_header_id|>'] },
  qwen2: { vocabSize: 151665, bosId: undefined, eosId: 151645, special: ['<|im_start|>', '<|im_end|>', '<|endoftext|>'] },
  llama2: { vocabSize: 32000, bosId: 1, eosId: 2, special: ['<s>', '</s>', '<unk>'] },
  mistralNemo: { vocabSize: 131072, bosId: 1, eosId: 2, special: ['<s>', '</s>', '[INST]', '[/INST]'] },
};

const corpus = [...fixedCorpus, ...randomCorpus(300, 42)];

function specialContents(files: ReturnType<typeof realTokenizerFiles>): string[] {
  return ((files.tokenizerJson.added_tokens ?? []) as { content: string; special?: boolean }[]).filter((token) => token.special).map((token) => token.content);
}

for (const name of Object.keys(expectations) as RealTokenizerName[]) {
  const skip = realTokenizerSkip(name);

  test(`${name}: the real tokenizer.json encodes like the reference on ${corpus.length} texts; decode and token bytes round-trip`, { skip }, async () => {
    const files = realTokenizerFiles(name);
    const tokenizer = new HfTokenizer(files.tokenizerJson, files.tokenizerConfig);
    const reference = await referenceTokenizer(name);
    const expected = expectations[name];
    assert.equal(tokenizer.vocabSize, expected.vocabSize);
    assert.equal(tokenizer.bosId, expected.bosId);
    assert.deepEqual(tokenizer.eosIds, [expected.eosId]);
    const specials = specialContents(files);
    for (const content of expected.special) {
      const [id] = tokenizer.encode(content);
      assert.ok(tokenizer.isSpecial(id), `${content} is special`);
      assert.equal(tokenizer.tokenText(id), content);
      assert.equal(tokenizer.tokenBytes(id).length, 0);
    }
    const normalize = JSON.stringify(files.tokenizerJson.normalizer ?? null).includes('"NFC"') ? (text: string) => text.normalize('NFC') : (text: string) => text;
    // SentencePiece-style vocabularies spell the dummy prefix as a leading '▁' (one space byte).
    const prefix = tokenizer.byteLevel ? '' : ' ';
    let roundTrips = 0;
    for (const text of corpus) {
      const ids = tokenizer.encode(text);
      assert.deepEqual(ids, reference.encode(text, { add_special_tokens: false }), JSON.stringify(text));
      assert.equal(tokenizer.decode(ids), reference.decode(ids, { skip_special_tokens: true }), JSON.stringify(text));
      // Llama 3's lenml tokenizer.json predates the TemplateProcessing that adds <|begin_of_text|>; the others agree on BOS.
      if (name !== 'llama3') assert.deepEqual(tokenizer.encode(text, { addBos: true }), reference.encode(text, { add_special_tokens: true }), `BOS ${JSON.stringify(text)}`);
      if (specials.some((content) => text.includes(content))) continue;
      const bytes = Buffer.concat(ids.map((id) => tokenizer.tokenBytes(id))).toString('utf8');
      assert.equal(bytes, prefix + normalize(text), `token bytes of ${JSON.stringify(text)}`);
      if (files.tokenizerConfig.clean_up_tokenization_spaces !== true) assert.equal(tokenizer.decode(ids), normalize(text), `decode ${JSON.stringify(text)}`);
      roundTrips++;
    }
    assert.ok(roundTrips > 200, `${roundTrips} texts round-tripped`);
  });
}

const conversations: ChatMessage[][] = [
  [{ role: 'user', content: 'Hi there' }],
  [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'What is 2+2?' }, { role: 'assistant', content: '4' }, { role: 'user', content: '  and 3+3?  ' }],
  [{ role: 'user', content: 'Ünïcödé 🙂\n\nnew {{ braces }} {% tags %}' }, { role: 'assistant', content: ' ok \n' }],
];

for (const name of ['llama3', 'qwen2', 'mistralNemo'] as const) {
  const skip = realTokenizerSkip(name);

  test(`${name}: the real chat template renders like the reference, with and without the generation prompt`, { skip }, async (context) => {
    const files = realTokenizerFiles(name);
    const template = files.tokenizerConfig.chat_template as string;
    const tokenizer = new HfTokenizer(files.tokenizerJson, files.tokenizerConfig);
    const reference = await referenceTokenizer(name);
    const pythonSkip = jinjaReferenceSkip();
    const cases = conversations.flatMap((messages) => [false, true].map((addGenerationPrompt) => ({ messages, addGenerationPrompt })));
    const ours = cases.map(({ messages, addGenerationPrompt }) => renderChatTemplate(template, messages, { addGenerationPrompt, ...templateTokens(tokenizer) }));
    for (const [index, text] of ours.entries()) assert.ok(text.includes(cases[index].messages.at(-1)!.content.trim()), text);
    // The transformers.js fork's own Jinja cannot parse Mistral Nemo's template ("Expected else token"); Python Jinja2 checks it.
    if (name !== 'mistralNemo') {
      cases.forEach(({ messages, addGenerationPrompt }, index) => {
        assert.equal(ours[index], reference.apply_chat_template(messages, { tokenize: false, add_generation_prompt: addGenerationPrompt }), `case ${index}`);
      });
    }
    if (pythonSkip) {
      context.diagnostic(`Python Jinja2 check skipped: ${pythonSkip}`);
      return;
    }
    const bosToken = templateTokens(tokenizer).bosToken ?? '';
    const eosToken = templateTokens(tokenizer).eosToken ?? '';
    const python = renderWithPythonJinja(cases.map(({ messages, addGenerationPrompt }) => ({
      template,
      variables: { messages, add_generation_prompt: addGenerationPrompt, bos_token: bosToken, eos_token: eosToken },
    })));
    cases.forEach((_, index) => assert.equal(ours[index], python[index], `python jinja2, case ${index}`));
  });
}

test('mistralNemo: the [INST] layout puts the system prompt before the last user turn', { skip: realTokenizerSkip('mistralNemo') }, () => {
  const files = realTokenizerFiles('mistralNemo');
  const tokenizer = new HfTokenizer(files.tokenizerJson, files.tokenizerConfig);
  const text = renderChatTemplate(files.tokenizerConfig.chat_template as string, conversations[1], templateTokens(tokenizer));
  assert.equal(text, '<s>[INST]What is 2+2?[/INST]4</s>[INST]Be brief.\n\n  and 3+3?  [/INST]');
});

/**
 * Fine-tuning quality on real tasks: `npm run bench -- quality [--fpb-steps N] [--conll-steps N] [--conll-test N]`
 * (--conll-test N scores only the first N test sentences; by default the whole split).
 * stories260K (a 260K-parameter TinyStories model with a 512-token vocabulary) is fine-tuned with LoRA and fully:
 * - Financial PhraseBank AllAgree (split as in its README: line i is test when i % 5 == 4): prompt
 *   "Sentence: <text>\nSentiment:", completion " <label>". Classification by label likelihood: each of the three
 *   labels is scored by the summed log-probability of its completion tokens and the EOS token (exactly the
 *   tokens trained on) and the best wins, so every answer is a valid label. Accuracy and macro-F1.
 * - CoNLL-2003 as JSON extraction: prompt "Sentence: <tokens>\nEntities:", completion
 *   ` {"PER":[...],"ORG":[...],"LOC":[...],"MISC":[...]}`; greedy decoding constrained by the answer's JSON schema
 *   (the engine's constrained decoder: without it the 260K model learns the format but loops on "]]]]" and never
 *   closes the object, 0% valid JSON in an unconstrained run); entity-level
 *   micro-F1 over (type, entity string) pairs on the first N sentences of the test split (a subset, to stay
 *   time-bound); unparsable output counts as no predictions.
 * Next to: majority class, the base model without tuning, TF-IDF + logistic regression (FPB) and a gazetteer
 * (CoNLL) from src/platform/eval/baselines. Last line: {"bench":"quality","ours": best fine-tuned FPB accuracy,
 * "peer": TF-IDF + LR accuracy, ...}.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { getBackend } from '../src/engine/backend/select.ts';
import type { Llama } from '../src/engine/models/llama.ts';
import { generateBatch } from '../src/engine/models/generate/generate.ts';
import { loadCheckpoint } from '../src/engine/models/load-checkpoint.ts';
import { modelFromCheckpoint } from '../src/engine/models/model-builders.ts';
import type { Tokenizer } from '../src/engine/models/tokenizer/tokenizer.ts';
import { crossEntropy, noGrad } from '../src/engine/tensor/index.ts';
import { applyAdapter, loadAdapter } from '../src/engine/train/adapter/apply-adapter.ts';
import { mergedCheckpoint } from '../src/engine/train/export/export-run.ts';
import { validateRecipe } from '../src/engine/train/recipe/load-recipe.ts';
import { runTraining, type TrainingSummary } from '../src/engine/train/train-run.ts';
import { trainGazetteer } from '../src/platform/eval/baselines/gazetteer-ner.ts';
import { trainMajorityClass } from '../src/platform/eval/baselines/majority-class.ts';
import { trainTfidfClassifier } from '../src/platform/eval/baselines/tfidf-classifier.ts';
import { CONLL_TYPES, entitiesOf, readConll2003, readConllSentences } from '../src/platform/eval/datasets/conll2003.ts';
import { FPB_LABELS, readFinancialPhrasebank } from '../src/platform/eval/datasets/financial-phrasebank.ts';
import { sharedDataPath } from '../src/platform/eval/datasets/shared-data.ts';
import { promptOf } from '../src/platform/eval/eval-row.ts';
import { labelPair, macroF1 } from '../src/platform/eval/metrics/classification.ts';
import { compareFields, fieldF1, type FieldCounts } from '../src/platform/eval/metrics/json-fields.ts';

const flag = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const fpbSteps = flag('fpb-steps', 200);
const conllSteps = flag('conll-steps', 200);
const conllTrain = flag('conll-train', 2000);
/** CoNLL test sentences scored; 0 (the default) = the whole test split. */
const conllTest = flag('conll-test', 0) || undefined;
const batchSize = 4;
const sequenceLength = 256;

const modelPath = sharedDataPath('stories260K', 'stories260K.bin');
const fpbPath = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');
const conllDir = sharedDataPath('conll2003');
if (!modelPath || !fpbPath || !conllDir) {
  console.error('quality bench needs ../shared/data (stories260K, financial_phrasebank, conll2003)');
  process.exit(1);
}
const work = mkdtempSync(join(tmpdir(), 'sling-quality-'));
const started = performance.now();
console.log(`quality bench: stories260K, backend ${getBackend().description}, load ${loadavg()[0].toFixed(1)}; FPB ${fpbSteps} steps, CoNLL ${conllSteps} steps (first ${conllTrain} train sentences), batch ${batchSize} × ${sequenceLength} tokens, CoNLL test: ${conllTest ? `first ${conllTest} sentences` : 'the whole split'}`);

// *** data ***

const fpbRows = readFinancialPhrasebank(fpbPath);
const fpbTrain = fpbRows.filter((row) => row.split === 'train');
const fpbTest = fpbRows.filter((row) => row.split === 'test');
const fpbPrompt = (text: string) => `Sentence: ${text}\nSentiment:`;
const sentenceOf = (content: string) => content.slice(content.lastIndexOf('Sentence: ') + 'Sentence: '.length);
const fpbText = (row: (typeof fpbRows)[number]) => sentenceOf(row.messages[0].content);
writeFileSync(join(work, 'fpb.jsonl'), fpbTrain.map((row) => JSON.stringify({ prompt: fpbPrompt(fpbText(row)), completion: ` ${row.label}` })).join('\n') + '\n');

const conllTrainSentences = readConllSentences(join(conllDir, 'train.txt')).slice(0, conllTrain);
const conllTestSentences = readConllSentences(join(conllDir, 'test.txt')).slice(0, conllTest);
const conllPrompt = (tokens: string[]) => `Sentence: ${tokens.join(' ')}\nEntities:`;
writeFileSync(join(work, 'conll.jsonl'), conllTrainSentences.map((sentence) => JSON.stringify({ prompt: conllPrompt(sentence.tokens), completion: ` ${JSON.stringify(entitiesOf(sentence))}` })).join('\n') + '\n');

// *** training ***

interface Trained { summary: TrainingSummary; model: Llama }
async function fineTune(task: string, method: 'lora' | 'full', steps: number, learningRate: number): Promise<Trained> {
  const recipe = validateRecipe({
    model: modelPath!, out: join(work, `${task}-${method}`), method, data: { train: join(work, `${task}.jsonl`), validation_fraction: 0.03, max_sequence_length: sequenceLength },
    lora: { r: 16, alpha: 32, dropout: 0.05 }, optimizer: { learning_rate: learningRate }, schedule: { kind: 'cosine', warmup_ratio: 0.03 },
    max_steps: steps, epochs: 10, batch_size: batchSize, eval_interval: steps, checkpoint_interval: 0, early_stopping_patience: 0,
  });
  const summary = await runTraining(recipe);
  console.error(`  trained ${task} ${method}: ${summary.steps} steps, ${summary.wallSeconds.toFixed(0)} s, ${summary.tokensPerSecond.toFixed(0)} tok/s, validation loss ${summary.initialValidationLoss?.toFixed(3)} → ${summary.finalValidationLoss?.toFixed(3)}`);
  const base = await loadCheckpoint(modelPath!);
  let model: Llama;
  if (method === 'lora') {
    model = modelFromCheckpoint(base);
    applyAdapter(model, loadAdapter(recipe.out, base.config));
  } else model = modelFromCheckpoint(await mergedCheckpoint(recipe.out));
  return { summary, model };
}

// *** scoring ***

/** Summed log-probability of each candidate completion (+ EOS) after the prompt, for a batch of prompts. */
function candidateScores(model: Llama, tokenizer: Tokenizer, prompts: string[], candidates: string[]): number[][] {
  const sequences: { ids: number[]; start: number }[] = [];
  for (const prompt of prompts) {
    const promptIds = tokenizer.encode(prompt, { addBos: true });
    for (const candidate of candidates) {
      const full = tokenizer.encode(prompt + candidate, { addBos: true });
      let start = 0;
      while (start < promptIds.length && promptIds[start] === full[start]) start++;
      sequences.push({ ids: [...full, tokenizer.eosIds[0]], start });
    }
  }
  const seqLen = Math.max(...sequences.map((sequence) => sequence.ids.length));
  const ids = new Int32Array(sequences.length * seqLen);
  const targets = new Int32Array(sequences.length * seqLen).fill(-100);
  sequences.forEach((sequence, row) => {
    ids.set(sequence.ids, row * seqLen);
    for (let t = sequence.start; t < sequence.ids.length; t++) targets[row * seqLen + t - 1] = sequence.ids[t];
  });
  const losses = noGrad(() => crossEntropy(model.forward(ids, { batch: sequences.length, seqLen }), targets, { reduction: 'none' }).values);
  return prompts.map((_, p) => candidates.map((__, c) => {
    const row = p * candidates.length + c;
    let total = 0;
    for (let t = 0; t < seqLen; t++) total -= losses[row * seqLen + t];
    return total;
  }));
}

function fpbScores(model: Llama, tokenizer: Tokenizer): { accuracy: number; macroF1: number } {
  const pairs: ReturnType<typeof labelPair>[] = [];
  for (let i = 0; i < fpbTest.length; i += 8) {
    const chunk = fpbTest.slice(i, i + 8);
    const scores = candidateScores(model, tokenizer, chunk.map((row) => fpbPrompt(fpbText(row))), FPB_LABELS.map((label) => ` ${label}`));
    chunk.forEach((row, index) => {
      const best = scores[index].indexOf(Math.max(...scores[index]));
      pairs.push(labelPair(row, FPB_LABELS[best], FPB_LABELS));
    });
  }
  return { accuracy: pairs.filter((pair) => pair.predicted === pair.reference).length / pairs.length, macroF1: macroF1(pairs, FPB_LABELS) };
}

/** The answer shape, enforced by the engine's JSON-schema constrained decoding so every output parses. */
const entitySchema = {
  type: 'object',
  properties: Object.fromEntries(CONLL_TYPES.map((type) => [type, { type: 'array', items: { type: 'string', maxLength: 40 }, maxItems: 6 }])),
  required: [...CONLL_TYPES],
  additionalProperties: false,
};

function conllScores(model: Llama, tokenizer: Tokenizer): { f1: number; validJson: number } {
  const counts: FieldCounts[] = [];
  const prompts = conllTestSentences.map((sentence) => tokenizer.encode(conllPrompt(sentence.tokens), { addBos: true }));
  for (let i = 0; i < prompts.length; i += 16) {
    const results = generateBatch(model, tokenizer, prompts.slice(i, i + 16), { maxTokens: 128, temperature: 0, responseFormat: { type: 'json_schema', schema: entitySchema } });
    results.forEach((result, index) => counts.push(compareFields(result.text, JSON.stringify(entitiesOf(conllTestSentences[i + index])))));
  }
  return { f1: fieldF1(counts), validJson: counts.filter((count) => count.valid).length / counts.length };
}

async function baselineAnswers(model: { complete: (request: { messages: never[] }) => Promise<{ text: string }> }, rows: { messages: unknown[] }[]): Promise<string[]> {
  const answers: string[] = [];
  for (const row of rows) answers.push((await model.complete({ messages: promptOf(row as never) as never[] })).text);
  return answers;
}

// *** run ***

const base = await loadCheckpoint(modelPath);
const baseModel = modelFromCheckpoint(base);
const { tokenizer } = base;

const majority = trainMajorityClass(fpbTrain);
const fpbResults: Record<string, { accuracy: number; macroF1: number }> = {};
const majorityPairs = fpbTest.map((row) => labelPair(row, majority.label, FPB_LABELS));
fpbResults['majority class'] = { accuracy: majorityPairs.filter((pair) => pair.predicted === pair.reference).length / majorityPairs.length, macroF1: macroF1(majorityPairs, FPB_LABELS) };
const tfidf = trainTfidfClassifier(fpbTrain);
const tfidfPairs = (await baselineAnswers(tfidf as never, fpbTest)).map((answer, index) => labelPair(fpbTest[index], answer, FPB_LABELS));
fpbResults['TF-IDF + LR'] = { accuracy: tfidfPairs.filter((pair) => pair.predicted === pair.reference).length / tfidfPairs.length, macroF1: macroF1(tfidfPairs, FPB_LABELS) };
fpbResults['stories260K base'] = fpbScores(baseModel, tokenizer);

const conllResults: Record<string, { f1: number; validJson: number }> = {};
const conllTestRows = readConll2003(join(conllDir, 'test.txt'), 'test').slice(0, conllTest);
const emptyAnswer = JSON.stringify(Object.fromEntries(CONLL_TYPES.map((type) => [type, []])));
const emptyCounts = conllTestSentences.map((sentence) => compareFields(emptyAnswer, JSON.stringify(entitiesOf(sentence))));
conllResults['majority (no entities)'] = { f1: fieldF1(emptyCounts), validJson: 1 };
const gazetteer = trainGazetteer(readConll2003(join(conllDir, 'train.txt'), 'train'));
const gazetteerCounts = (await baselineAnswers(gazetteer as never, conllTestRows)).map((answer, index) => compareFields(answer, JSON.stringify(entitiesOf(conllTestSentences[index]))));
conllResults['gazetteer (full train)'] = { f1: fieldF1(gazetteerCounts), validJson: 1 };
conllResults['stories260K base'] = conllScores(baseModel, tokenizer);

const costs: string[] = [];
for (const method of ['lora', 'full'] as const) {
  const fpb = await fineTune('fpb', method, fpbSteps, method === 'lora' ? 5e-3 : 2e-3);
  fpbResults[`stories260K ${method}`] = fpbScores(fpb.model, tokenizer);
  costs.push(`FPB ${method}: ${fpb.summary.steps} steps, ${fpb.summary.wallSeconds.toFixed(0)} s wall, ${fpb.summary.tokensPerSecond.toFixed(0)} tok/s, ${fpb.summary.tokensSeen} tokens`);
  const conll = await fineTune('conll', method, conllSteps, method === 'lora' ? 5e-3 : 2e-3);
  conllResults[`stories260K ${method}`] = conllScores(conll.model, tokenizer);
  costs.push(`CoNLL ${method}: ${conll.summary.steps} steps, ${conll.summary.wallSeconds.toFixed(0)} s wall, ${conll.summary.tokensPerSecond.toFixed(0)} tok/s, ${conll.summary.tokensSeen} tokens`);
}

console.log(`\nFinancial PhraseBank AllAgree, test split (${fpbTest.length} sentences), label likelihood over {negative, neutral, positive}`);
console.log('| system | accuracy | macro-F1 |\n|---|---|---|');
for (const [name, result] of Object.entries(fpbResults)) console.log(`| ${name} | ${result.accuracy.toFixed(3)} | ${result.macroF1.toFixed(3)} |`);
console.log(`\nCoNLL-2003 test, ${conllTest ? 'first ' : ''}${conllTestSentences.length} sentences, entity-level micro-F1 (JSON extraction, greedy, schema-constrained)`);
console.log('| system | entity F1 | valid JSON |\n|---|---|---|');
for (const [name, result] of Object.entries(conllResults)) console.log(`| ${name} | ${result.f1.toFixed(3)} | ${result.validJson.toFixed(2)} |`);
console.log(`\nTraining cost (stories260K, batch ${batchSize} × ${sequenceLength}):\n  ${costs.join('\n  ')}\nTotal wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
rmSync(work, { recursive: true, force: true });
const best = Math.max(fpbResults['stories260K lora'].accuracy, fpbResults['stories260K full'].accuracy);
const peer = fpbResults['TF-IDF + LR'].accuracy;
console.log(JSON.stringify({
  bench: 'quality', ours: best, peer, unit: 'FPB accuracy', ratio: best / peer,
  fpb: fpbResults, conll: conllResults, steps: { fpb: fpbSteps, conll: conllSteps }, conllTestSentences: conllTestSentences.length,
}));

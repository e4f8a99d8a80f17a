/**
 * Evaluations through the real store (SQLite in memory): FPB imported as a dataset, models given as specs
 * (baselines, an openai: endpoint and a registered remote model, both served by the loopback server around
 * the trained TF-IDF model), outputs and summaries stored, comparison loaded back.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../store/store.ts';
import { arraySource, importRows } from '../../data/import.ts';
import { readFinancialPhrasebank } from '../datasets/financial-phrasebank.ts';
import { sharedDataPath } from '../datasets/shared-data.ts';
import { trainTfidfClassifier } from '../baselines/tfidf-classifier.ts';
import { startOpenAiTestServer, type OpenAiTestServer } from '../testing/openai-test-server.ts';
import { referenceOverlapJudge } from '../judge/reference-overlap-judge.ts';
import { createOpenAiChatModel } from '../clients/openai-chat-model.ts';
import { loadDatasetRows } from './stored-rows.ts';
import { resolveModelSpec, type ResolveContext } from './model-specs.ts';
import { runStoredEvaluation } from './stored-evaluation.ts';
import { loadComparison, lossCurvesFor } from './stored-comparison.ts';
import { judgeAcrossEvaluations } from './cross-judge.ts';

const fpb = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');
const skip = fpb ? false : 'shared data folder ../shared/data absent';
let store: Store;
let server: OpenAiTestServer;

before(async () => {
  if (skip) return;
  store = await openStore({ sqlitePath: ':memory:' });
  const rows = readFinancialPhrasebank(fpb!);
  await importRows(store, arraySource(rows.map((row) => ({ ...row, metadata: {} }))), { name: 'fpb', sourceName: 'fpb.jsonl' });
  server = await startOpenAiTestServer([trainTfidfClassifier(rows.filter((row) => row.split === 'train'), { name: 'served-tfidf' })]);
  await store.models.register({ name: 'registered-remote', kind: 'remote', uri: server.baseUrl, config: { model: 'served-tfidf', pricing: { inputPerMillion: 1, outputPerMillion: 2 } } });
});
after(async () => {
  await server?.close();
  await store?.close();
});

test('stores outputs, per-row scores and the summary; comparison reads them back', { skip }, async () => {
  const data = await loadDatasetRows(store, 'fpb', 'test', 80);
  assert.equal(data.rows.length, 80);
  const context: ResolveContext = { store, trainRows: async () => (await loadDatasetRows(store, 'fpb', 'train')).rows, prices: { 'served-tfidf': { inputPerMillion: 0.5, outputPerMillion: 1 } } };
  const models = [];
  for (const spec of ['baseline:tfidf', 'baseline:majority', `openai:served-tfidf@${server.baseUrl}`, 'registered-remote']) models.push(await resolveModelSpec(spec, context));
  assert.deepEqual(models.map((model) => [model.name, model.kind]), [
    ['baseline:tfidf', 'baseline'],
    ['baseline:majority', 'baseline'],
    ['served-tfidf', 'remote'],
    ['registered-remote', 'remote'],
  ]);
  const { evaluationId, result } = await runStoredEvaluation(store, data, models, {
    judge: referenceOverlapJudge(),
    headToHead: true,
    criteria: [{ name: 'says_positive', text: 'The answer is "positive".' }],
  });
  const evaluation = await store.evaluations.require(evaluationId);
  assert.equal(evaluation.status, 'succeeded');
  const outputs = await store.evaluations.outputs(evaluationId);
  assert.equal(outputs.length, 4 * 80);
  const row = outputs.find((output) => output.modelName === 'baseline:majority')!;
  assert.equal(row.scores.predicted, 'neutral');
  assert.equal(typeof row.scores.correct, 'boolean');
  assert.ok(row.scores.says_positive === 0);
  assert.ok(Array.isArray((row.judge as { headToHead?: unknown[] }).headToHead));
  // The TF-IDF model in process and the same model over HTTP (two ways) agree exactly.
  const accuracy = result.summaries.map((summary) => summary.metrics.accuracy.value);
  assert.equal(accuracy[0], accuracy[2]);
  assert.equal(accuracy[0], accuracy[3]);
  assert.equal(result.summaries[2].cost.basis, 'tokens');
  assert.ok(Math.abs(result.summaries[3].cost.totalDollars - (result.summaries[3].tokens.input * 1 + result.summaries[3].tokens.output * 2) / 1e6) < 1e-15);

  const comparison = await loadComparison(store, [evaluationId]);
  assert.equal(comparison.dataset, 'fpb@1');
  assert.deepEqual(comparison.models.map((model) => model.model), ['baseline:tfidf', 'baseline:majority', 'served-tfidf', 'registered-remote']);
  assert.deepEqual(comparison.models[0].metrics.accuracy, result.summaries[0].metrics.accuracy);
  assert.equal(comparison.winRate!.models.length, 4);
  assert.equal(comparison.winRate!.rates[0][2], 0.5, 'identical answers: all ties');
});

test('two evaluations compared together, judged head-to-head across them', { skip }, async () => {
  const context: ResolveContext = { store, trainRows: async () => (await loadDatasetRows(store, 'fpb', 'train')).rows };
  const data = await loadDatasetRows(store, 'fpb', 'test', 40);
  const first = await runStoredEvaluation(store, data, [await resolveModelSpec('baseline:tfidf', context)]);
  const second = await runStoredEvaluation(store, await loadDatasetRows(store, 'fpb', 'test', 30), [
    await resolveModelSpec('baseline:majority', context),
    await resolveModelSpec('baseline:tfidf', context),
  ]);
  const comparison = await loadComparison(store, [first.evaluationId, second.evaluationId]);
  assert.deepEqual(comparison.models.map((model) => model.model), ['baseline:tfidf', 'baseline:majority', `baseline:tfidf (eval ${second.evaluationId})`]);
  assert.equal(comparison.winRate, undefined);
  const judged = await judgeAcrossEvaluations(store, [first.evaluationId, second.evaluationId], comparison.modelNames, referenceOverlapJudge(), { seed: 2 });
  assert.equal(judged.rows, 30, 'only rows every model answered');
  assert.deepEqual(judged.models, ['baseline:tfidf', 'baseline:majority', `baseline:tfidf (eval ${second.evaluationId})`]);
  assert.equal(judged.rates[0][2], 0.5, 'the same model evaluated twice ties with itself');
  assert.equal(judged.counts[0][1], 30);
  assert.ok(judged.rates[0][1] > 0.5);
});

test('a seeded sample of test rows keeps file order and is reproducible', { skip }, async () => {
  const all = await loadDatasetRows(store, 'fpb', 'test');
  const sample = await loadDatasetRows(store, 'fpb', 'test', { sample: 50, seed: 4 });
  assert.equal(sample.rows.length, 50);
  assert.deepEqual(sample.rowIds, (await loadDatasetRows(store, 'fpb', 'test', { sample: 50, seed: 4 })).rowIds);
  assert.notDeepEqual(sample.rowIds, (await loadDatasetRows(store, 'fpb', 'test', { sample: 50, seed: 5 })).rowIds);
  const positions = sample.rowIds.map((id) => all.rowIds.indexOf(id));
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b));
  assert.ok(new Set(sample.rows.map((row) => row.label)).size === 3, 'a random sample reaches all labels');
});

test('a resumed evaluation re-asks only the rows that failed', { skip }, async () => {
  const data = await loadDatasetRows(store, 'fpb', 'test', 20);
  const flaky = createOpenAiChatModel({ baseUrl: server.baseUrl, model: 'served-tfidf', retry: { maxRetries: 0 } });
  server.failNext(...Array.from({ length: 5 }, () => ({ status: 500 })));
  const first = await runStoredEvaluation(store, data, [flaky]);
  assert.equal(first.result.summaries[0].errors, 5);
  const failed = (await store.evaluations.outputs(first.evaluationId)).filter((output) => output.scores.error !== undefined);
  assert.equal(failed.length, 5);
  const answeredBefore = server.answered.length;
  const resumed = await runStoredEvaluation(store, data, [flaky], { resumeEvaluationId: first.evaluationId });
  assert.equal(resumed.evaluationId, first.evaluationId);
  assert.equal(server.answered.length - answeredBefore, 5, 'only the failed rows are sent again');
  assert.equal(resumed.result.summaries[0].errors, 0);
  const outputs = await store.evaluations.outputs(first.evaluationId);
  assert.equal(outputs.length, 20);
  assert.ok(outputs.every((output) => output.scores.error === undefined && output.output !== ''));
  assert.equal((await store.evaluations.require(first.evaluationId)).status, 'succeeded');
});

test('loss curves come from the training job that registered each model', { skip }, async () => {
  const job = await store.jobs.enqueue({ kind: 'loss-curve-test' });
  await store.jobs.claim('test-worker', ['loss-curve-test']);
  for (const [step, loss] of [[1, 2.5], [2, 1.75], [3, 1.5]]) await store.jobs.recordMetric(job.id, step, 'train_loss', loss);
  await store.jobs.recordMetric(job.id, 3, 'validation_loss', 1.9);
  await store.jobs.finish(job.id, 'test-worker', { status: 'succeeded', result: { model: 'fpb-lora' } });
  const curves = await lossCurvesFor(store, ['fpb-lora', 'baseline:tfidf']);
  assert.deepEqual(curves, [{ name: 'fpb-lora', points: [{ step: 1, value: 2.5 }, { step: 2, value: 1.75 }, { step: 3, value: 1.5 }] }]);
});

test('unknown models, bad specs and unfinished evaluations are clear errors', { skip }, async () => {
  const context: ResolveContext = { store, trainRows: async () => [] };
  await assert.rejects(resolveModelSpec('nope', context), { code: 'model_not_found' });
  await assert.rejects(resolveModelSpec('openai:gpt-4o-mini', context), { code: 'invalid_model_spec' });
  await assert.rejects(resolveModelSpec('baseline:bert', context), { code: 'unknown_baseline' });
  const pending = await store.evaluations.create({ name: 'pending' });
  await assert.rejects(loadComparison(store, [pending.id]), { code: 'evaluation_not_finished' });
  await assert.rejects(loadDatasetRows(store, 'missing', 'test'), { code: 'dataset_not_found' });
});

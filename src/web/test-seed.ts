/**
 * @module web/test-seed
 * Test helper: fills a workspace with what the dashboard shows — a dataset with two versions (real Financial
 * PhraseBank sentences when ../shared/data is present); an evaluation made by `sling eval`'s own pipeline
 * (runStoredEvaluation) over the served models through the OpenAI-compatible client, judged head to head by the
 * classical reference-overlap judge; tagged requests for the log filters; and one training run. The run's loss
 * values are a labelled fixture (a decaying curve): training jobs are tested elsewhere, and this test is about
 * drawing stored metrics.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { arraySource, importRows } from '../platform/data/index.ts';
import { createOpenAiChatModel } from '../platform/eval/clients/openai-chat-model.ts';
import { referenceOverlapJudge } from '../platform/eval/judge/reference-overlap-judge.ts';
import { runStoredEvaluation } from '../platform/eval/persist/stored-evaluation.ts';
import { loadDatasetRows } from '../platform/eval/persist/stored-rows.ts';
import type { Store } from '../platform/store/store.ts';

const phrasebank = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'financial_phrasebank', 'sentences_allagree.jsonl');

function sentences(count: number): { text: string; label: string }[] {
  if (existsSync(phrasebank)) {
    return readFileSync(phrasebank, 'utf8').trim().split('\n').slice(0, count).map((line) => JSON.parse(line) as { text: string; label: string });
  }
  const labels = ['positive', 'negative', 'neutral'];
  return Array.from({ length: count }, (_, index) => ({ text: `Quarterly sales changed by ${index} percent.`, label: labels[index % 3] }));
}

export async function seedDashboard(store: Store, client: OpenAI, models: string[]): Promise<{ evaluationId: number; runId: number; evaluationRows: number }> {
  const rows = sentences(60).map(({ text, label }) => ({ messages: [{ role: 'user', content: text }, { role: 'assistant', content: label }], label, metadata: { source: 'financial_phrasebank' } }));
  await importRows(store, arraySource(rows.slice(0, 40), 'fpb-first-40'), { name: 'fpb-sample', sourceName: 'fpb-first-40', description: 'Financial PhraseBank sentences' });
  await importRows(store, arraySource(rows, 'fpb-first-60'), { name: 'fpb-sample', sourceName: 'fpb-first-60' });

  // The eval clients read the key from an environment variable, as `sling eval` does.
  process.env.SLING_DASHBOARD_TEST_KEY = client.apiKey ?? "";
  const chatModels = models.map((model) => createOpenAiChatModel({ baseUrl: client.baseURL, model, apiKeyEnv: 'SLING_DASHBOARD_TEST_KEY', kind: model.includes(':') ? 'adapter' : 'local' }));
  const data = await loadDatasetRows(store, 'fpb-sample', 'test');
  const { evaluationId } = await runStoredEvaluation(store, data, chatModels, { name: 'fpb smoke', judge: referenceOverlapJudge(), headToHead: true, maxTokens: 6, seed: 1 });
  for (let index = 0; index < 4; index++) {
    await client.chat.completions.create({ model: models[index % models.length], messages: [rows[index].messages[0] as { role: 'user'; content: string }], max_tokens: 4 }, { headers: { 'x-sling-tags': `seed=logs,row=${index}` } });
  }
  // One refused request, so the error filter has something to show.
  await client.chat.completions.create({ model: models[0], messages: [{ role: 'user', content: 'hi' }], temperature: 9 }, { headers: { 'x-sling-tags': 'seed=logs' } }).catch(() => undefined);

  const job = await store.jobs.enqueue({ kind: 'train', payload: { name: 'ui-fixture', model: 'tiny-random', data: 'fpb-sample', note: 'fixture metrics for the dashboard test' } });
  await store.jobs.claim('test-worker', ['train']);
  for (let step = 1; step <= 40; step++) {
    await store.jobs.recordMetric(job.id, step, 'train_loss', 2.5 * Math.exp(-step / 15) + 0.4);
    if (step % 10 === 0) await store.jobs.recordMetric(job.id, step, 'validation_loss', 2.6 * Math.exp(-step / 18) + 0.5);
  }
  await store.jobs.appendLog(job.id, 'step 40/40 loss 0.62');
  await store.jobs.finish(job.id, 'test-worker', { status: 'succeeded', result: {} });
  return { evaluationId, runId: job.id, evaluationRows: data.rows.length };
}

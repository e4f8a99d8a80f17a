/**
 * @module web/test-seed
 * Test helper: fills a workspace with what the dashboard shows — a dataset with two versions (real Financial
 * PhraseBank sentences when ../shared/data is present), an evaluation whose outputs come from real requests to
 * the served models (scored by exact match and ROUGE-L, with a ROUGE-L "judge" note), the request logs those
 * requests leave, and one training run. The run's loss values are a labelled fixture (a decaying curve): the
 * real training jobs are written elsewhere, and this test is about drawing stored metrics.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { arraySource, importRows } from '../platform/data/index.ts';
import { normalizeWhitespace } from '../platform/eval/metrics/exact-match.ts';
import { rougeL } from '../platform/eval/metrics/rouge-l.ts';
import type { Store } from '../platform/store/store.ts';

const phrasebank = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'financial_phrasebank', 'sentences_allagree.jsonl');

function sentences(count: number): { text: string; label: string }[] {
  if (existsSync(phrasebank)) {
    return readFileSync(phrasebank, 'utf8').trim().split('\n').slice(0, count).map((line) => JSON.parse(line) as { text: string; label: string });
  }
  const labels = ['positive', 'negative', 'neutral'];
  return Array.from({ length: count }, (_, index) => ({ text: `Quarterly sales changed by ${index} percent.`, label: labels[index % 3] }));
}

export async function seedDashboard(store: Store, client: OpenAI, models: string[]): Promise<{ evaluationId: number; runId: number }> {
  const rows = sentences(60).map(({ text, label }) => ({ messages: [{ role: 'user', content: text }, { role: 'assistant', content: label }], label, metadata: { source: 'financial_phrasebank' } }));
  await importRows(store, arraySource(rows.slice(0, 40), 'fpb-first-40'), { name: 'fpb-sample', sourceName: 'fpb-first-40', description: 'Financial PhraseBank sentences' });
  await importRows(store, arraySource(rows, 'fpb-first-60'), { name: 'fpb-sample', sourceName: 'fpb-first-60' });

  const evaluation = await store.evaluations.create({ name: 'fpb smoke', config: { models } });
  for (const model of models) {
    const outputs = [];
    for (const [index, row] of rows.slice(0, 6).entries()) {
      const started = performance.now();
      const completion = await client.chat.completions.create({ model, messages: [row.messages[0] as { role: 'user'; content: string }], max_tokens: 6, temperature: 0 }, { headers: { 'x-sling-tags': `eval=fpb,row=${index}` } });
      const output = completion.choices[0].message.content ?? '';
      const rouge = rougeL(output, row.label).f1;
      outputs.push({
        modelName: model,
        rowId: `row-${index}`,
        output,
        scores: { exact: normalizeWhitespace(output) === row.label ? 1 : 0, rouge_l: rouge },
        latencyMs: performance.now() - started,
        promptTokens: completion.usage?.prompt_tokens ?? null,
        completionTokens: completion.usage?.completion_tokens ?? null,
        judge: { explanation: `ROUGE-L F1 ${rouge.toFixed(2)} against the reference "${row.label}"` },
      });
    }
    await store.evaluations.putOutputs(evaluation.id, outputs);
  }
  await store.evaluations.update(evaluation.id, { status: 'succeeded' });

  const job = await store.jobs.enqueue({ kind: 'train', payload: { name: 'ui-fixture', model: 'tiny-random', data: 'fpb-sample', note: 'fixture metrics for the dashboard test' } });
  await store.jobs.claim('test-worker', ['train']);
  for (let step = 1; step <= 40; step++) {
    await store.jobs.recordMetric(job.id, step, 'train_loss', 2.5 * Math.exp(-step / 15) + 0.4);
    if (step % 10 === 0) await store.jobs.recordMetric(job.id, step, 'validation_loss', 2.6 * Math.exp(-step / 18) + 0.5);
  }
  await store.jobs.appendLog(job.id, 'step 40/40 loss 0.62');
  await store.jobs.finish(job.id, 'test-worker', { status: 'succeeded', result: {} });
  return { evaluationId: evaluation.id, runId: job.id };
}

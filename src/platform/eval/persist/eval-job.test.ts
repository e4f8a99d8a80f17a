/**
 * The `eval` job kind run by a real Worker in a fresh workspace: FPB imported, a request with baselines
 * queued, the worker runs it, the job result names the stored evaluation. A retry of a job whose progress
 * already names an evaluation resumes that evaluation instead of starting another.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initWorkspace } from '../../workspace/workspace.ts';
import { Worker } from '../../jobs/worker.ts';
import { arraySource, importRows } from '../../data/import.ts';
import { readFinancialPhrasebank } from '../datasets/financial-phrasebank.ts';
import { sharedDataPath } from '../datasets/shared-data.ts';
import type { EvalRequest } from './eval-request.ts';
import './eval-job.ts';

const fpb = sharedDataPath('financial_phrasebank', 'sentences_allagree.jsonl');

test('a queued eval job runs in the worker and resumes its evaluation on retry', { skip: fpb ? false : 'shared data folder ../shared/data absent' }, async () => {
  const workspace = await initWorkspace(mkdtempSync(join(tmpdir(), 'sling-eval-job-')));
  try {
    const rows = readFinancialPhrasebank(fpb!).map((row) => ({ ...row, metadata: {} }));
    await importRows(workspace.store, arraySource(rows), { name: 'fpb', sourceName: 'fpb.jsonl' });
    const request: EvalRequest = { dataset: 'fpb', models: ['baseline:majority'], sample: 40, seed: 1 };
    const job = await workspace.store.jobs.enqueue({ kind: 'eval', payload: request as unknown as Record<string, unknown> });
    const worker = new Worker(workspace, { kinds: ['eval'], heartbeatIntervalMs: 50 });
    const ran = await worker.runOnce();
    assert.equal(ran?.outcome, 'succeeded');
    const finished = await workspace.store.jobs.require(job.id);
    const evaluationId = finished.result?.evaluationId as number;
    assert.equal(finished.progress?.evaluationId, evaluationId);
    const evaluation = await workspace.store.evaluations.require(evaluationId);
    assert.equal(evaluation.status, 'succeeded');
    assert.equal((await workspace.store.evaluations.outputs(evaluationId)).length, 40);

    // A job that was interrupted after creating its evaluation: the retry continues it.
    const retried = await workspace.store.jobs.enqueue({ kind: 'eval', payload: request as unknown as Record<string, unknown> });
    await workspace.store.jobs.setProgress(retried.id, { evaluationId });
    assert.equal((await worker.runOnce())?.outcome, 'succeeded');
    assert.equal((await workspace.store.jobs.require(retried.id)).result?.evaluationId, evaluationId);
    assert.equal((await workspace.store.evaluations.list()).length, 1, 'no second evaluation was created');
    assert.match((await workspace.store.jobs.logs(retried.id)).map((line) => line.line).join('\n'), /resuming evaluation/);
  } finally {
    await workspace.close();
  }
});

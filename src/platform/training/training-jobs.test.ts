import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '../jobs/worker.ts';
import { initWorkspace } from '../workspace/workspace.ts';
import './index.ts';

const stories = fileURLToPath(new URL('../../../../shared/data/stories260K/stories260K.bin', import.meta.url));
const skip = existsSync(stories) ? false : `${stories} is absent`;

test('train and export jobs run in a worker: metrics, logs, registered adapter, artifacts', { skip }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-training-job-'));
  const workspace = await initWorkspace(folder);
  try {
    const data = join(folder, 'train.jsonl');
    writeFileSync(data, Array.from({ length: 12 }, (_, i) => JSON.stringify({ prompt: `Tom had ${i} apples.`, completion: ' He was happy.' })).join('\n') + '\n{"prompt": 1}\n');
    const job = await workspace.store.jobs.enqueue({ kind: 'train', payload: { name: 'happy', recipe: { model: stories, data: { train: data, skip_invalid: true, validation_fraction: 0.25 }, max_steps: 3, batch_size: 2, eval_interval: 3, lora: { r: 2 } } } });
    const worker = new Worker(workspace, { kinds: ['train', 'export'], heartbeatIntervalMs: 50 });
    assert.equal((await worker.runOnce())?.outcome, 'succeeded');
    const done = await workspace.store.jobs.require(job.id);
    assert.equal((done.result as { steps: number }).steps, 3);
    assert.equal((done.result as { skippedRows: number }).skippedRows, 1);
    const metrics = await workspace.store.jobs.metrics(job.id);
    assert.deepEqual(metrics.filter((metric) => metric.name === 'train_loss').map((metric) => metric.step), [1, 2, 3]);
    assert.ok(metrics.some((metric) => metric.name === 'validation_loss' && metric.step === 3));
    const logs = (await workspace.store.jobs.logs(job.id)).map((line) => line.line).join('\n');
    assert.match(logs, /skipped: .*train\.jsonl, line 13, field "prompt"/);
    const model = await workspace.store.models.get('happy');
    assert.equal(model?.kind, 'adapter');
    assert.ok(existsSync(join(model!.uri, 'adapter_model.safetensors')));

    const runDirectory = (done.result as { runDirectory: string }).runDirectory;
    const exportJob = await workspace.store.jobs.enqueue({ kind: 'export', payload: { run: runDirectory, format: 'gguf-lora' } });
    assert.equal((await worker.runOnce())?.outcome, 'succeeded');
    const exported = await workspace.store.jobs.require(exportJob.id);
    assert.match(String((exported.result as { artifacts: Record<string, string> }).artifacts['adapter.gguf']), /^sha256:/);
  } finally {
    await workspace.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

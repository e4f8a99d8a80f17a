/**
 * Real data: LoRA and full fine-tuning of stories260K on Financial PhraseBank (sentence → label) lower the
 * validation loss; a CLI run killed with SIGKILL and resumed reproduces the uninterrupted run's losses exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stories260KDir } from '../models/io/test-data.ts';
import { validateRecipe } from './recipe/load-recipe.ts';
import { MetricsLog } from './run-directory.ts';
import { runTraining } from './train-run.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fpbFile = join(root, '../shared/data/financial_phrasebank/sentences_allagree.jsonl');
const model = join(stories260KDir, 'stories260K.bin');
const skip = existsSync(fpbFile) && existsSync(model) ? false : 'shared data (financial_phrasebank, stories260K) is absent';
const folder = mkdtempSync(join(tmpdir(), 'sling-fpb-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

function writeFpb(count: number): string {
  const rows = readFileSync(fpbFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { text: string; label: string; split: string });
  const file = join(folder, `fpb-${count}.jsonl`);
  const train = rows.filter((row) => row.split === 'train').slice(0, count);
  writeFileSync(file, train.map((row) => JSON.stringify({ prompt: `Sentence: ${row.text}\nSentiment:`, completion: ` ${row.label}` })).join('\n') + '\n');
  return file;
}

for (const [method, learningRate] of [['lora', 3e-3], ['full', 1e-3]] as const) {
  test(`${method} fine-tuning on Financial PhraseBank lowers the validation loss`, { skip }, async () => {
    const recipe = validateRecipe({
      model, out: join(folder, `fpb-${method}`), method, data: { train: writeFpb(400), validation_fraction: 0.2, max_sequence_length: 128 },
      optimizer: { learning_rate: learningRate }, max_steps: 40, batch_size: 4, eval_interval: 20, checkpoint_interval: 0, early_stopping_patience: 0,
    });
    const summary = await runTraining(recipe);
    assert.ok(summary.finalValidationLoss! < summary.initialValidationLoss! * 0.8, `${summary.initialValidationLoss} → ${summary.finalValidationLoss}`);
  });
}

const losses = (out: string) => new MetricsLog(join(out, 'metrics.jsonl')).read().filter((record) => record.type === 'train' || record.type === 'validation').map((record) => `${record.type}@${record.step}=${(record as { loss: number }).loss}`);

test('a CLI run killed with SIGKILL and resumed gives the same losses as an uninterrupted run', { skip }, async () => {
  const data = writeFpb(120);
  const args = (out: string) => [join(root, 'bin/sling.js'), 'train', '--model', model, '--data', data, '--out', out, '--max-steps', '8', '--checkpoint-interval', '2', '--eval-interval', '3', '--batch-size', '2', '--max-seq-len', '96', '--lora-r', '4', '--no-progress', '--json'];
  const env = { ...process.env, SLING_QUIET_BACKEND: '1' };
  const straight = join(folder, 'straight');
  assert.equal(spawnSync(process.execPath, args(straight), { env, encoding: 'utf8' }).status, 0);

  const killed = join(folder, 'killed');
  const child = spawn(process.execPath, args(killed), { env, stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      const metrics = join(killed, 'metrics.jsonl');
      if (existsSync(metrics) && readFileSync(metrics, 'utf8').includes('"type":"checkpoint","step":4')) {
        clearInterval(timer);
        child.kill('SIGKILL');
        resolve();
      }
    }, 20);
    child.on('exit', () => (clearInterval(timer), reject(new Error('the run finished before it could be killed'))));
  });
  await new Promise((resolve) => child.once('exit', resolve));
  assert.ok(!existsSync(join(killed, 'summary.json')), 'the first run really died before finishing');
  const resumed = spawnSync(process.execPath, [...args(killed), '--resume'], { env, encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  const summary = JSON.parse(resumed.stdout.trim().split('\n').pop()!);
  assert.ok(summary.resumedFromStep >= 4);
  assert.deepEqual(losses(killed), losses(straight));
});

/**
 * Workspace models that run locally, through the ChatModel interface: a registered base model and a
 * registered LoRA adapter on it (Sling's tiny-random Llama and a PEFT adapter folder written for it).
 * Checks that `resolveModelSpec` loads both, that they run in an evaluation, and are priced by compute time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/store.ts';
import { loadLocalModel } from '../../inference/local-model.ts';
import { writePeftAdapter } from '../../../engine/train/adapter/peft-adapter.ts';
import { resolveModelSpec } from './model-specs.ts';
import { evaluate } from '../run/evaluate.ts';
import type { EvalRow } from '../eval-row.ts';

const rows: EvalRow[] = ['Profit rose.', 'Sales fell.', 'The office moved.'].map((sentence, i) => ({
  messages: [
    { role: 'user', content: `Sentiment of: ${sentence}` },
    { role: 'assistant', content: ['positive', 'negative', 'neutral'][i] },
  ],
  split: 'test',
  label: ['positive', 'negative', 'neutral'][i],
}));

test('registered base and adapter models evaluate through the ChatModel interface', async () => {
  const store = await openStore({ sqlitePath: ':memory:' });
  const folder = mkdtempSync(join(tmpdir(), 'sling-eval-adapter-'));
  try {
    const base = await loadLocalModel('tiny-random');
    let state = 9;
    const noise = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.5;
    const layers = new Map(
      base.model.linearModules().filter(([name]) => /q_proj|v_proj/.test(name)).map(([name, module]) => {
        const [outFeatures, inFeatures] = module.namedParameters()[0][1].shape;
        return [name, { a: Float32Array.from({ length: 4 * inFeatures }, noise), b: Float32Array.from({ length: outFeatures * 4 }, noise), inFeatures, outFeatures }];
      }),
    );
    writePeftAdapter(folder, { config: { r: 4, alpha: 8, dropout: 0, targetModules: ['q_proj', 'v_proj'], useRslora: false, baseModel: 'tiny-random' }, layers, ropeConvention: 'half' }, base.model.config);
    await store.models.register({ name: 'tiny', kind: 'base', uri: 'tiny-random' });
    await store.models.register({ name: 'tiny-lora', kind: 'adapter', uri: folder, config: { base: 'tiny-random' } });
    const context = { store, trainRows: async () => [] };
    const models = [await resolveModelSpec('tiny', context), await resolveModelSpec('tiny-lora', context)];
    assert.deepEqual(models.map((model) => [model.name, model.kind]), [['tiny', 'local'], ['tiny-lora', 'adapter']]);
    const result = await evaluate(models, rows, { maxTokens: 6, concurrency: 1 });
    assert.notDeepEqual(result.runs[0].outputs, result.runs[1].outputs, 'the adapter changes the answers');
    for (const summary of result.summaries) {
      assert.equal(summary.errors, 0);
      assert.equal(summary.cost.basis, 'compute');
      assert.ok(summary.cost.totalDollars > 0 && summary.tokens.output > 0);
      assert.ok(summary.latencyMs.p50 > 0);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await store.close();
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRecipe } from '../../engine/train/recipe/load-recipe.ts';
import { overridesFromFlags } from './train.ts';

test('flags override the recipe file key by key', () => {
  const folder = mkdtempSync(join(tmpdir(), 'sling-train-cli-'));
  try {
    const file = join(folder, 'recipe.yaml');
    writeFileSync(file, 'model: m.bin\nout: runs/a\nlora: {r: 8, alpha: 16}\ndata: {train: t.jsonl, packing: true}\nepochs: 2\n');
    const recipe = loadRecipe(file, overridesFromFlags({ loraR: '4', full: true, packing: false, targetModules: 'q_proj,v_proj', lr: '1e-3', bf16: true, skipInvalid: true }));
    assert.deepEqual([recipe.lora.r, recipe.lora.alpha, recipe.method, recipe.data.packing, recipe.epochs], [4, 16, 'full', false, 2]);
    assert.deepEqual(recipe.lora.target_modules, ['q_proj', 'v_proj']);
    assert.deepEqual([recipe.optimizer.learning_rate, recipe.precision, recipe.data.skip_invalid], [1e-3, 'bf16', true]);
    assert.throws(() => overridesFromFlags({ loraR: 'eight' }), /--lora-r must be a number/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('sling train reports recipe errors with the key and a non-zero exit', () => {
  const bin = fileURLToPath(new URL('../../../bin/sling.js', import.meta.url));
  const result = spawnSync(process.execPath, [bin, 'train', '--model', 'm.bin', '--out', 'runs/x'], { encoding: 'utf8', env: { ...process.env, SLING_QUIET_BACKEND: '1' } });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /recipe_invalid.*missing required key "data.train".*--data FILE/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SlingError } from '../../../core/errors.ts';
import { loadRecipe, validateRecipe } from './load-recipe.ts';
import { loraScale, targetModulesOf } from './recipe-schema.ts';

const minimal = { model: 'm.bin', out: 'runs/x', data: { train: 't.jsonl' } };

test('defaults match the documented recipe', () => {
  const recipe = validateRecipe(minimal);
  assert.equal(recipe.lora.r, 16);
  assert.equal(recipe.lora.alpha, 32);
  assert.equal(recipe.lora.dropout, 0.05);
  assert.equal(recipe.optimizer.learning_rate, 2e-4);
  assert.equal(recipe.schedule.kind, 'cosine');
  assert.equal(recipe.schedule.warmup_ratio, 0.03);
  assert.equal(recipe.epochs, 3);
  assert.deepEqual(targetModulesOf(recipe), ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj']);
  assert.equal(loraScale(recipe.lora), 2);
  assert.equal(loraScale({ ...recipe.lora, use_rslora: true }), 8);
});

test('unknown keys are errors naming the key', () => {
  assert.throws(() => validateRecipe({ ...minimal, lora: { rank: 8 } }), (error: unknown) => {
    assert.ok(SlingError.isInstance(error));
    assert.equal(error.code, 'recipe_unknown_key');
    assert.equal(error.field, 'lora.rank');
    return true;
  });
  assert.throws(() => validateRecipe({ ...minimal, learning_rate: 1 }), /unknown recipe key "learning_rate"/);
});

test('bad values and missing keys name the field', () => {
  assert.throws(() => validateRecipe({ ...minimal, lora: { r: 0 } }), /invalid value for "lora.r"/);
  assert.throws(() => validateRecipe({ model: 'm', out: 'o' }), /missing required key "data"/);
});

test('YAML file with CLI overrides on top; relative paths resolve against the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sling-recipe-'));
  const file = join(dir, 'recipe.yaml');
  writeFileSync(file, 'model: model.bin\nout: runs/a\nlora:\n  r: 8\n  target_modules: [q_proj, v_proj]\ndata:\n  train: train.jsonl\n');
  const recipe = loadRecipe(file, { lora: { r: 4 }, method: 'full', data: { skip_invalid: true } });
  assert.equal(recipe.lora.r, 4);
  assert.deepEqual(recipe.lora.target_modules, ['q_proj', 'v_proj']);
  assert.equal(recipe.method, 'full');
  assert.equal(recipe.data.train, join(dir, 'train.jsonl'));
  assert.equal(recipe.data.skip_invalid, true);
  assert.equal(recipe.model, join(dir, 'model.bin'));
});

test('YAML syntax errors name the file and line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sling-recipe-'));
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'model: a\nlora: [1, 2\n');
  assert.throws(() => loadRecipe(file), (error: unknown) => SlingError.isInstance(error) && error.code === 'recipe_syntax' && error.file === file);
});

/**
 * @module engine/train/recipe/load-recipe
 * Reads a recipe file (YAML or JSON), deep-merges command-line overrides on top, and validates the result.
 * Relative paths in a file are resolved against the file's folder so a recipe can travel with its data.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SlingError } from '../../../core/errors.ts';
import { recipeSchema, type Recipe, type RecipeInput } from './recipe-schema.ts';

type Tree = Record<string, unknown>;

export function readRecipeFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SlingError('recipe_not_found', 'cannot read the recipe file', { file: path, cause: error });
  }
  let parsed: unknown;
  try {
    parsed = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new SlingError('recipe_syntax', `not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, { file: path, line, cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SlingError('recipe_invalid', 'a recipe must be a mapping of keys to values', { file: path });
  }
  return resolvePaths(parsed as Tree, dirname(resolve(path)));
}

function resolvePaths(tree: Tree, base: string): Tree {
  const at = (value: unknown) => (typeof value === 'string' && !isAbsolute(value) ? resolve(base, value) : value);
  const result: Tree = { ...tree };
  for (const key of ['model', 'tokenizer', 'out']) if (key in result) result[key] = at(result[key]);
  if (typeof result.data === 'object' && result.data !== null) {
    const data = { ...(result.data as Tree) };
    for (const key of ['train', 'validation']) if (key in data) data[key] = at(data[key]);
    result.data = data;
  }
  return result;
}

/** Deep merge: objects merge key by key, everything else (including arrays) replaces; undefined is ignored. */
export function mergeRecipe(base: Tree, overrides: Tree): Tree {
  const result: Tree = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const current = result[key];
    const bothObjects = [current, value].every((item) => typeof item === 'object' && item !== null && !Array.isArray(item));
    result[key] = bothObjects ? mergeRecipe(current as Tree, value as Tree) : value;
  }
  return result;
}

/** Validates a merged recipe; the first problem is reported with the key path (e.g. "lora.r"). */
export function validateRecipe(input: Tree | RecipeInput, file?: string): Recipe {
  const result = recipeSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = [path, issue.keys[0]].filter(Boolean).join('.');
    throw new SlingError('recipe_unknown_key', `unknown recipe key "${key}"`, { file, field: key, hint: 'see docs/recipe.md for every key' });
  }
  const missing = issue.code === 'invalid_type' && issue.message.includes('undefined');
  throw new SlingError('recipe_invalid', missing ? `missing required key "${path}"` : `invalid value for "${path}": ${issue.message}`, {
    file,
    field: path,
    hint: missing && path === 'data.train' ? 'pass --data FILE or set data.train in the recipe' : 'see docs/recipe.md',
  });
}

/** The whole pipeline: optional file, then overrides, then validation. */
export function loadRecipe(file: string | undefined, overrides: Tree = {}): Recipe {
  const base = file ? readRecipeFile(file) : {};
  return validateRecipe(mergeRecipe(base, overrides), file);
}

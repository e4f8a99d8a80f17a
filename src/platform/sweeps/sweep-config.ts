/**
 * @module platform/sweeps/sweep-config
 * The sweep file (`sling sweep --config sweep.yaml`), validated with zod:
 *
 *   name: lr-and-rank
 *   recipe: recipe.yaml            # a recipe file (relative to the sweep file) or an inline mapping
 *   space:
 *     optimizer.learning_rate: { loguniform: [1.0e-4, 1.0e-2] }
 *     lora.r: { choice: [2, 4, 8] }
 *   algorithm: tpe                 # grid | random | tpe
 *   max_trials: 12
 *   concurrency: 2                 # trials running at once
 *   time_budget: 20m               # seconds, or 90s / 20m / 2h
 *   objective: { metric: validation_loss }          # or { metric: accuracy, goal: maximize, dataset: fpb, limit: 200 }
 *   early_stopping: { kind: asha, min_steps: 4, reduction_factor: 3 }
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { SlingError } from '../../core/errors.ts';
import { readRecipeFile, validateRecipe } from '../../engine/train/recipe/load-recipe.ts';
import { createSampler } from './samplers.ts';
import { applyParameters, parseSearchSpace, type SearchSpace } from './search-space.ts';

function seconds(text: string | number): number {
  if (typeof text === 'number') return text;
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h)?$/.exec(text.trim());
  if (!match) throw new SlingError('sweep_invalid_config', `cannot read time budget "${text}"`, { field: 'time_budget', hint: 'write seconds, or e.g. 90s, 20m, 2h' });
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'm' | 'h'];
}

const sweepFileSchema = z.strictObject({
  name: z.string().min(1).default('sweep'),
  recipe: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
  space: z.record(z.string(), z.unknown()),
  algorithm: z.enum(['grid', 'random', 'tpe']).default('tpe'),
  /** Points per continuous range on a grid. */
  grid_points: z.number().int().min(2).default(3),
  seed: z.number().int().min(0).default(0),
  max_trials: z.number().int().min(1).default(20),
  concurrency: z.number().int().min(1).default(1),
  time_budget: z.union([z.number().positive(), z.string()]).optional(),
  objective: z
    .strictObject({
      metric: z.string().min(1).default('validation_loss'),
      goal: z.enum(['minimize', 'maximize']).optional(),
      /** Dataset whose test split the metric is measured on (any metric other than the losses). */
      dataset: z.string().min(1).optional(),
      limit: z.number().int().positive().optional(),
    })
    .prefault({}),
  early_stopping: z
    .strictObject({
      kind: z.enum(['asha', 'none']).default('asha'),
      min_steps: z.number().int().min(1).default(4),
      reduction_factor: z.number().min(2).default(3),
    })
    .optional(),
});

export const LOSS_METRICS = ['validation_loss', 'best_validation_loss'];

/** The sweep as stored with the sweep row: everything a worker needs to run any of its trials. */
export interface SweepConfig {
  name: string;
  baseRecipe: Record<string, unknown>;
  space: SearchSpace;
  algorithm: 'grid' | 'random' | 'tpe';
  gridPoints: number;
  seed: number;
  maxTrials: number;
  concurrency: number;
  timeBudgetSeconds: number | null;
  objective: { metric: string; goal: 'minimize' | 'maximize'; dataset?: string; limit?: number };
  earlyStopping: { kind: 'asha'; minSteps: number; reductionFactor: number } | null;
}

/** Paths in an inline recipe are relative to the sweep file, as they would be in a recipe file beside it. */
function resolveInlinePaths(recipe: Record<string, unknown>, folder: string): Record<string, unknown> {
  const at = (value: unknown) => (typeof value === 'string' && !isAbsolute(value) && value !== 'tiny-random' ? resolve(folder, value) : value);
  const result: Record<string, unknown> = { ...recipe };
  for (const key of ['model', 'tokenizer']) if (key in result) result[key] = at(result[key]);
  if (typeof result.data === 'object' && result.data !== null) {
    const data = { ...(result.data as Record<string, unknown>) };
    for (const key of ['train', 'validation']) if (key in data) data[key] = at(data[key]);
    result.data = data;
  }
  return result;
}

/** Validates a parsed sweep file; `file` (if any) anchors relative recipe paths and names errors. */
export function parseSweepConfig(raw: unknown, file?: string): SweepConfig {
  const parsed = sweepFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined);
    throw new SlingError('sweep_invalid_config', `sweep file: ${field ? `"${field}": ` : ''}${issue.message}`, { file, field, hint: 'see docs/sweeps.md' });
  }
  const input = parsed.data;
  const folder = file ? dirname(file) : '.';
  const baseRecipe = typeof input.recipe === 'string' ? readRecipeFile(resolve(folder, input.recipe)) : resolveInlinePaths(input.recipe, folder);
  const space = parseSearchSpace(input.space, file);
  const metric = input.objective.metric;
  const isLoss = LOSS_METRICS.includes(metric);
  if (!isLoss && !input.objective.dataset) {
    throw new SlingError('sweep_invalid_config', `objective "${metric}" is measured on a dataset's test split; name it`, { file, field: 'objective.dataset', hint: 'add `dataset: NAME` under objective, or use metric: validation_loss' });
  }
  const config: SweepConfig = {
    name: input.name,
    baseRecipe,
    space,
    algorithm: input.algorithm,
    gridPoints: input.grid_points,
    seed: input.seed,
    maxTrials: input.max_trials,
    concurrency: input.concurrency,
    timeBudgetSeconds: input.time_budget === undefined ? null : seconds(input.time_budget),
    objective: { metric, goal: input.objective.goal ?? (isLoss || metric.includes('loss') ? 'minimize' : 'maximize'), dataset: input.objective.dataset, limit: input.objective.limit },
    earlyStopping: input.early_stopping && input.early_stopping.kind === 'asha'
      ? { kind: 'asha', minSteps: input.early_stopping.min_steps, reductionFactor: input.early_stopping.reduction_factor }
      : null,
  };
  // Fail now, not in a worker an hour later: the first trial's recipe must validate.
  const first = createSampler(config.algorithm, space, config.seed, config.gridPoints).propose(0, []);
  if (first) validateRecipe({ out: 'sweep-check', ...applyParameters(baseRecipe, first) }, file);
  return config;
}

export function readSweepFile(path: string): SweepConfig {
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SlingError('sweep_invalid_config', `cannot read sweep file: ${(error as Error).message}`, { file: path, cause: error });
  }
  return parseSweepConfig(raw, resolve(path));
}

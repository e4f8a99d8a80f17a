/**
 * @module platform/eval/metrics/custom-grader
 * User-written graders: a TypeScript or JavaScript function `(row, output) => number in [0, 1]` (may be
 * async), either passed directly or default-exported by a file. Graders run in-process with the user's own
 * code, like a test file; a score outside [0, 1] or not a number is an error naming the grader and row.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { SlingError } from '../../../core/errors.ts';
import type { EvalRow } from '../eval-row.ts';
import { mean, type Metric } from './metric.ts';

export type Grader = (row: EvalRow, output: string) => number | Promise<number>;

function checkScore(value: unknown, name: string, index: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new SlingError('grader_bad_score', `grader "${name}" returned ${String(value)}, expected a number in [0, 1]`, {
      line: index + 1,
      hint: 'return 1 for a perfect answer, 0 for a wrong one, or a fraction in between',
    });
  }
  return value;
}

/** Loads a grader from a .ts/.js/.mjs file whose default export is the grading function. */
export async function loadGrader(path: string): Promise<{ name: string; grade: Grader }> {
  const absolute = resolve(path);
  let module: { default?: unknown };
  try {
    // tsx's tsImport compiles a TypeScript grader wherever it lives (even outside any package.json "type": "module").
    module = (/\.[cm]?ts$/.test(absolute) ? await tsImport(pathToFileURL(absolute).href, import.meta.url) : await import(pathToFileURL(absolute).href)) as {
      default?: unknown;
    };
  } catch (error) {
    throw new SlingError('grader_load_failed', `could not load grader: ${(error as Error).message}`, {
      file: absolute,
      hint: 'the file must be a .ts or .js module that default-exports (row, output) => number',
      cause: error,
    });
  }
  // A .ts file outside an ESM package is compiled as CommonJS, which wraps the default export once more.
  let grade = module.default;
  if (typeof grade === 'object' && grade !== null && typeof (grade as { default?: unknown }).default === 'function') grade = (grade as { default: unknown }).default;
  if (typeof grade !== 'function') {
    throw new SlingError('grader_no_default_export', 'grader file has no default-exported function', {
      file: absolute,
      hint: 'write `export default function grade(row, output) { return ... }`',
    });
  }
  const name = absolute.split('/').at(-1)!.replace(/\.(ts|mts|js|mjs)$/, '');
  return { name, grade: grade as Grader };
}

/**
 * Graders can be async, metrics are synchronous; so grading happens once up front (`gradeAll`) and the
 * metric reads the stored per-row scores by row index.
 */
export async function gradeAll(grade: Grader, name: string, rows: EvalRow[], outputs: string[]): Promise<number[]> {
  const scores: number[] = [];
  for (let index = 0; index < rows.length; index++) scores.push(checkScore(await grade(rows[index], outputs[index]), name, index));
  return scores;
}

export function precomputedMetric(name: string, scores: readonly number[]): Metric<number> {
  return { name, score: (_row, _output, index) => scores[index], aggregate: mean };
}

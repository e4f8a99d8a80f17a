/**
 * @module web/api/evaluations-api
 * `/api/evaluations...`: the comparison behind the evaluations page, computed from the stored per-row outputs
 * so it does not depend on how a summary was written: every numeric or boolean score's mean per model with a
 * seeded 95% bootstrap interval, a head-to-head matrix (share of shared rows where model A scores higher than
 * B, ties counted as half), and the outputs of all models side by side per row with the judge's verdict.
 */
import type { Hono } from 'hono';
import { bootstrapInterval, type Interval } from '../../platform/eval/metrics/bootstrap.ts';
import type { EvaluationOutput } from '../../platform/store/records.ts';
import type { Store } from '../../platform/store/store.ts';
import { integerParam, missing } from './http.ts';

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN);

function numericScore(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return null;
}

export interface ModelComparison {
  model: string;
  rows: number;
  scores: Record<string, Interval>;
  meanLatencyMs: number | null;
  totalCost: number | null;
}

export function compareModels(outputs: EvaluationOutput[]): { models: ModelComparison[]; scoreNames: string[] } {
  const byModel = new Map<string, EvaluationOutput[]>();
  for (const output of outputs) byModel.set(output.modelName, [...(byModel.get(output.modelName) ?? []), output]);
  const scoreNames = [...new Set(outputs.flatMap((output) => Object.keys(output.scores).filter((name) => numericScore(output.scores[name]) !== null)))].sort();
  const models = [...byModel].map(([model, rows]) => {
    const scores: Record<string, Interval> = {};
    for (const name of scoreNames) {
      const values = rows.map((row) => numericScore(row.scores[name])).filter((value): value is number => value !== null);
      if (values.length) scores[name] = bootstrapInterval(values, mean, { seed: 7, resamples: 1000 });
    }
    const latencies = rows.map((row) => row.latencyMs).filter((value): value is number => value !== null);
    const costs = rows.map((row) => row.cost).filter((value): value is number => value !== null);
    return {
      model,
      rows: rows.length,
      scores,
      meanLatencyMs: latencies.length ? mean(latencies) : null,
      totalCost: costs.length ? costs.reduce((a, b) => a + b, 0) : null,
    };
  });
  return { models, scoreNames };
}

/** matrix[a][b] = share of rows both models answered where a's `score` beats b's (ties count half). */
export function headToHead(outputs: EvaluationOutput[], score: string): { models: string[]; matrix: (number | null)[][]; rows: number[][] } {
  const table = new Map<string, Map<string, number>>();
  for (const output of outputs) {
    const value = numericScore(output.scores[score]);
    if (value === null) continue;
    if (!table.has(output.modelName)) table.set(output.modelName, new Map());
    table.get(output.modelName)!.set(output.rowId, value);
  }
  const models = [...table.keys()].sort();
  const matrix = models.map(() => models.map(() => null as number | null));
  const rows = models.map(() => models.map(() => 0));
  models.forEach((a, i) =>
    models.forEach((b, j) => {
      if (i === j) return;
      let wins = 0;
      let shared = 0;
      for (const [rowId, value] of table.get(a)!) {
        const other = table.get(b)!.get(rowId);
        if (other === undefined) continue;
        shared += 1;
        wins += value > other ? 1 : value === other ? 0.5 : 0;
      }
      matrix[i][j] = shared ? wins / shared : null;
      rows[i][j] = shared;
    }),
  );
  return { models, matrix, rows };
}

export function registerEvaluationsApi(app: Hono<any>, store: Store): void {
  app.get('/api/evaluations', async (c) => c.json({ evaluations: await store.evaluations.list(200) }));

  app.get('/api/evaluations/:id', async (c) => {
    const id = integerParam(c.req.param('id'), 'id')!;
    const evaluation = await store.evaluations.get(id);
    if (!evaluation) throw missing(`evaluation ${id}`);
    const outputs = await store.evaluations.outputs(id);
    const comparison = compareModels(outputs);
    // Prefer a score people read first (correctness) over alphabetical order ('ambiguous' would come first).
    const preferred = ['correct', 'exact_match', 'field_f1', 'rouge_l'].find((name) => comparison.scoreNames.includes(name));
    const score = c.req.query('score') ?? preferred ?? comparison.scoreNames[0];
    const byRow = new Map<string, Record<string, { output: string; scores: EvaluationOutput['scores']; judge: EvaluationOutput['judge'] }>>();
    for (const output of outputs) {
      const entry = byRow.get(output.rowId) ?? {};
      entry[output.modelName] = { output: output.output, scores: output.scores, judge: output.judge };
      byRow.set(output.rowId, entry);
    }
    const offset = integerParam(c.req.query('offset'), 'offset', 0)!;
    const rows = [...byRow].slice(offset, offset + 50).map(([rowId, models]) => ({ rowId, models }));
    return c.json({
      evaluation,
      comparison,
      headToHead: score ? { score, ...headToHead(outputs, score) } : null,
      rows,
      totalRows: byRow.size,
    });
  });
}

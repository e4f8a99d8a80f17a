/**
 * @module platform/store/evaluation-repository
 * Evaluations (one run of several models over a dataset version) and their per-row outputs and scores.
 * Outputs are keyed by (evaluation, model, row): writing a row again replaces it, so a resumed evaluation job
 * can re-send a batch without counting anything twice.
 */
import { SlingError } from '../../core/errors.ts';
import { jsonOrNull, numberOrNull, parseJson, parseJsonOrNull, valueGroups } from './columns.ts';
import type { Evaluation, EvaluationOutput, EvaluationStatus, JsonObject } from './records.ts';
import type { SqlRunner, SqlValue } from './sql-driver.ts';

export interface NewEvaluation {
  name: string;
  datasetVersionId?: number | null;
  jobId?: number | null;
  config?: JsonObject;
}

export type NewEvaluationOutput = Omit<EvaluationOutput, 'evaluationId' | 'createdAt' | 'latencyMs' | 'promptTokens' | 'completionTokens' | 'cost' | 'judge'> &
  Partial<Pick<EvaluationOutput, 'latencyMs' | 'promptTokens' | 'completionTokens' | 'cost' | 'judge'>>;

function toEvaluation(row: Record<string, unknown>): Evaluation {
  return {
    id: Number(row.id),
    name: String(row.name),
    datasetVersionId: numberOrNull(row.dataset_version_id),
    jobId: numberOrNull(row.job_id),
    status: row.status as EvaluationStatus,
    config: parseJson<JsonObject>(row.config),
    summary: parseJsonOrNull<JsonObject>(row.summary),
    createdAt: Number(row.created_at),
    finishedAt: numberOrNull(row.finished_at),
  };
}

function toOutput(row: Record<string, unknown>): EvaluationOutput {
  return {
    evaluationId: Number(row.evaluation_id),
    modelName: String(row.model_name),
    rowId: String(row.row_id),
    output: String(row.output),
    scores: parseJson<EvaluationOutput['scores']>(row.scores),
    latencyMs: numberOrNull(row.latency_ms),
    promptTokens: numberOrNull(row.prompt_tokens),
    completionTokens: numberOrNull(row.completion_tokens),
    cost: numberOrNull(row.cost),
    judge: parseJsonOrNull<JsonObject>(row.judge),
    createdAt: Number(row.created_at),
  };
}

export class EvaluationRepository {
  constructor(private readonly sql: SqlRunner) {}

  async create(evaluation: NewEvaluation): Promise<Evaluation> {
    const [row] = await this.sql.query(
      `INSERT INTO evaluations (name, dataset_version_id, job_id, status, config, created_at)
       VALUES (?, ?, ?, 'pending', ?, ?) RETURNING *`,
      [evaluation.name, evaluation.datasetVersionId ?? null, evaluation.jobId ?? null, JSON.stringify(evaluation.config ?? {}), Date.now()],
    );
    return toEvaluation(row);
  }

  async get(id: number): Promise<Evaluation | null> {
    const [row] = await this.sql.query('SELECT * FROM evaluations WHERE id = ?', [id]);
    return row ? toEvaluation(row) : null;
  }

  async require(id: number): Promise<Evaluation> {
    const evaluation = await this.get(id);
    if (!evaluation) throw new SlingError('evaluation_not_found', `no evaluation with id ${id}`);
    return evaluation;
  }

  /** Newest first. */
  async list(limit = 100): Promise<Evaluation[]> {
    const rows = await this.sql.query('SELECT * FROM evaluations ORDER BY id DESC LIMIT ?', [limit]);
    return rows.map(toEvaluation);
  }

  /** Sets status and/or summary (and job id once known); a final status also stamps finished_at. */
  async update(id: number, changes: { status?: EvaluationStatus; summary?: JsonObject; jobId?: number }): Promise<Evaluation> {
    const current = await this.require(id);
    const status = changes.status ?? current.status;
    const finished = status === 'succeeded' || status === 'failed' || status === 'cancelled';
    await this.sql.run('UPDATE evaluations SET status = ?, summary = ?, job_id = ?, finished_at = ? WHERE id = ?', [
      status,
      jsonOrNull(changes.summary ?? current.summary),
      changes.jobId ?? current.jobId,
      finished ? (current.finishedAt ?? Date.now()) : null,
      id,
    ]);
    return this.require(id);
  }

  /** Writes outputs (batched); an output for the same (model, row) replaces the earlier one. */
  async putOutputs(evaluationId: number, outputs: NewEvaluationOutput[]): Promise<void> {
    const now = Date.now();
    for (let start = 0; start < outputs.length; start += 200) {
      const chunk = outputs.slice(start, start + 200);
      const params: SqlValue[] = [];
      for (const output of chunk) {
        params.push(
          evaluationId,
          output.modelName,
          output.rowId,
          output.output,
          JSON.stringify(output.scores),
          output.latencyMs ?? null,
          output.promptTokens ?? null,
          output.completionTokens ?? null,
          output.cost ?? null,
          jsonOrNull(output.judge),
          now,
        );
      }
      await this.sql.run(
        `INSERT INTO evaluation_outputs (evaluation_id, model_name, row_id, output, scores, latency_ms, prompt_tokens,
           completion_tokens, cost, judge, created_at)
         VALUES ${valueGroups(chunk.length, 11)}
         ON CONFLICT (evaluation_id, model_name, row_id) DO UPDATE SET output = excluded.output, scores = excluded.scores,
           latency_ms = excluded.latency_ms, prompt_tokens = excluded.prompt_tokens,
           completion_tokens = excluded.completion_tokens, cost = excluded.cost, judge = excluded.judge,
           created_at = excluded.created_at`,
        params,
      );
    }
  }

  /** Outputs ordered by model then row; optionally only one model's. */
  async outputs(evaluationId: number, modelName?: string): Promise<EvaluationOutput[]> {
    const rows = modelName
      ? await this.sql.query(
          'SELECT * FROM evaluation_outputs WHERE evaluation_id = ? AND model_name = ? ORDER BY model_name, row_id',
          [evaluationId, modelName],
        )
      : await this.sql.query('SELECT * FROM evaluation_outputs WHERE evaluation_id = ? ORDER BY model_name, row_id', [
          evaluationId,
        ]);
    return rows.map(toOutput);
  }

  /** Which (model, row) pairs are done: lets a resumed evaluation skip them. */
  async doneRowIds(evaluationId: number, modelName: string): Promise<Set<string>> {
    const rows = await this.sql.query<{ row_id: string }>(
      'SELECT row_id FROM evaluation_outputs WHERE evaluation_id = ? AND model_name = ?',
      [evaluationId, modelName],
    );
    return new Set(rows.map((row) => String(row.row_id)));
  }
}

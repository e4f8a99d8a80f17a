/**
 * @module platform/eval/persist/stored-evaluation
 * `sling eval` against the workspace: creates an evaluation record, streams each model's answers into
 * `evaluation_outputs` as they arrive (a crash keeps what was paid for), then scores, judges, stores the
 * per-row scores and the per-model summary (`evaluations.summary`) and marks the evaluation done.
 */
import type { Store } from '../../store/store.ts';
import type { JsonObject } from '../../store/records.ts';
import type { ChatModel } from '../chat-model.ts';
import type { Criterion } from '../judge/criteria.ts';
import type { Grader } from '../metrics/custom-grader.ts';
import { runModels } from '../run/run-models.ts';
import { scoreRuns, type EvaluationResult } from '../run/evaluate.ts';
import { detectTask } from '../run/task.ts';
import type { IdentifiedRows } from './stored-rows.ts';
import { rowScores } from './row-scores.ts';

export interface StoredEvaluationOptions {
  name?: string;
  concurrency?: number;
  maxTokens?: number;
  graders?: { name: string; grade: Grader }[];
  judge?: ChatModel;
  criteria?: Criterion[];
  headToHead?: boolean;
  seed?: number;
  dollarsPerCpuHour?: number;
  onProgress?: (model: string, done: number, total: number) => void;
  /** Model specs as the user gave them, kept in the evaluation's config so it can be resumed. */
  specs?: string[];
  /** Continue this evaluation: answers already stored are reused, not requested again. */
  resumeEvaluationId?: number;
  /** Called once the evaluation record exists (job handlers remember the id for a retry). */
  onCreated?: (evaluationId: number) => Promise<void> | void;
  signal?: AbortSignal;
}

export interface EvaluationSummaryJson extends JsonObject {
  dataset: string;
  task: EvaluationResult['task'];
  rowCount: number;
  models: EvaluationResult['summaries'];
  headToHead?: { judge: string; matrix: NonNullable<EvaluationResult['headToHead']>['matrix'] };
}

export async function runStoredEvaluation(
  store: Store,
  data: IdentifiedRows,
  models: ChatModel[],
  options: StoredEvaluationOptions = {},
): Promise<{ evaluationId: number; result: EvaluationResult }> {
  const task = detectTask(data.rows);
  const evaluation = options.resumeEvaluationId !== undefined
    ? await store.evaluations.require(options.resumeEvaluationId)
    : await store.evaluations.create({
        name: options.name ?? `${data.datasetName}@${data.version}: ${models.map((model) => model.name).join(' vs ')}`,
        datasetVersionId: data.versionId,
        config: {
          models: models.map((model) => ({ name: model.name, kind: model.kind })),
          specs: options.specs ?? null,
          rowIds: data.rowIds,
          task: task as unknown as JsonObject,
          seed: options.seed ?? 0,
          judge: options.judge?.name ?? null,
          headToHead: options.headToHead ?? false,
          criteria: (options.criteria ?? []) as unknown as JsonObject[],
          graders: (options.graders ?? []).map((grader) => grader.name),
        },
      });
  await options.onCreated?.(evaluation.id);
  // Answers stored by an earlier attempt (without error) are reused: they were paid for.
  const stored = new Map<string, { output: string; usage: { inputTokens: number; outputTokens: number; latencyMs: number } }>();
  if (options.resumeEvaluationId !== undefined) {
    for (const output of await store.evaluations.outputs(evaluation.id)) {
      if (output.scores.error !== undefined) continue;
      stored.set(`${output.modelName}\u0000${output.rowId}`, {
        output: output.output,
        usage: { inputTokens: output.promptTokens ?? 0, outputTokens: output.completionTokens ?? 0, latencyMs: output.latencyMs ?? 0 },
      });
    }
  }
  await store.evaluations.update(evaluation.id, { status: 'running' });
  try {
    const runs = await runModels(models, data.rows, {
      concurrency: options.concurrency,
      maxTokens: options.maxTokens,
      onProgress: options.onProgress,
      signal: options.signal,
      known: (model, index) => stored.get(`${model}\u0000${data.rowIds[index]}`),
      onAnswer: (model, index, output, usage, error) =>
        store.evaluations.putOutputs(evaluation.id, [
          { modelName: model, rowId: data.rowIds[index], output, scores: error === null ? {} : { error }, latencyMs: usage.latencyMs, promptTokens: usage.inputTokens, completionTokens: usage.outputTokens },
        ]),
    });
    const result = await scoreRuns(runs, data.rows, task, options);
    for (const run of runs) {
      const outputs = data.rows.map((row, index) => {
        const extra: Record<string, number> = {};
        for (const scores of result.extraScores[run.model] ?? []) extra[scores.name] = scores.scores[index];
        const judge: JsonObject = {};
        const pairs = result.headToHead?.judgements.filter((judgement) => judgement.row === index && (judgement.modelA === run.model || judgement.modelB === run.model));
        if (pairs?.length) judge.headToHead = pairs as unknown as JsonObject[];
        const criteria: JsonObject = {};
        for (const [criterion, perModel] of Object.entries(result.criteria)) {
          const verdict = perModel[run.model]?.[index];
          if (verdict) criteria[criterion] = { pass: verdict.pass, reason: verdict.reason };
        }
        if (Object.keys(criteria).length) judge.criteria = criteria;
        return {
          modelName: run.model,
          rowId: data.rowIds[index],
          output: run.outputs[index],
          scores: rowScores(task, row, run.outputs[index], extra, run.errors[index]),
          latencyMs: run.usage[index].latencyMs,
          promptTokens: run.usage[index].inputTokens,
          completionTokens: run.usage[index].outputTokens,
          judge: Object.keys(judge).length ? judge : null,
        };
      });
      await store.evaluations.putOutputs(evaluation.id, outputs);
    }
    const summary: EvaluationSummaryJson = {
      dataset: `${data.datasetName}@${data.version}`,
      task,
      rowCount: data.rows.length,
      models: result.summaries,
      ...(result.headToHead ? { headToHead: { judge: result.headToHead.judge, matrix: result.headToHead.matrix } } : {}),
    };
    await store.evaluations.update(evaluation.id, { status: 'succeeded', summary: JSON.parse(JSON.stringify(summary)) as JsonObject });
    return { evaluationId: evaluation.id, result };
  } catch (error) {
    await store.evaluations.update(evaluation.id, { status: 'failed', summary: { error: (error as Error).message } });
    throw error;
  }
}

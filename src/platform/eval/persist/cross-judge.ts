/**
 * @module platform/eval/persist/cross-judge
 * Head-to-head judging across stored evaluations (`sling compare 3 4 --judge M`): a fine-tune evaluated
 * today can be judged against models evaluated last week, on the rows every compared model answered.
 * Prompts and references come from the dataset rows the outputs point to (by content hash).
 */
import { SlingError } from '../../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import type { ChatMessage, ChatModel } from '../chat-model.ts';
import { judgeHeadToHead, winRateMatrix, type WinRateMatrix } from '../judge/head-to-head.ts';

export interface CrossJudgeOptions {
  seed?: number;
  /** Judge at most this many shared rows (the first ones by row id order). */
  limit?: number;
  concurrency?: number;
}

/** `names[i][model]` is the display name of `model` from `evaluationIds[i]` (compare renames repeats). */
export async function judgeAcrossEvaluations(
  store: Store,
  evaluationIds: readonly number[],
  names: readonly Record<string, string>[],
  judge: ChatModel,
  options: CrossJudgeOptions = {},
): Promise<WinRateMatrix & { judge: string; rows: number }> {
  const outputsByModel = new Map<string, Map<string, string>>();
  let versionId: number | null = null;
  for (const [index, id] of evaluationIds.entries()) {
    const evaluation = await store.evaluations.require(id);
    versionId ??= evaluation.datasetVersionId;
    for (const output of await store.evaluations.outputs(id)) {
      const name = names[index][output.modelName] ?? output.modelName;
      if (!outputsByModel.has(name)) outputsByModel.set(name, new Map());
      outputsByModel.get(name)!.set(output.rowId, output.output);
    }
  }
  const models = [...outputsByModel.keys()];
  if (models.length < 2 || versionId === null) {
    throw new SlingError('compare_judge_needs_two', 'head-to-head judging needs at least two models with stored outputs on one dataset version');
  }
  let shared = [...outputsByModel.get(models[0])!.keys()].filter((rowId) => models.every((model) => outputsByModel.get(model)!.has(rowId))).sort();
  if (options.limit !== undefined) shared = shared.slice(0, options.limit);
  const prompts: ChatMessage[][] = [];
  const references: string[] = [];
  for (const rowId of shared) {
    const row = await store.datasets.getRowByHash(versionId, rowId);
    if (!row) throw new SlingError('compare_row_missing', `row ${rowId} of the evaluated dataset version is gone`);
    prompts.push(row.messages.slice(0, -1));
    references.push(row.messages.at(-1)?.content ?? '');
  }
  const judgements = await judgeHeadToHead(
    judge,
    prompts,
    models.map((model) => ({ model, outputs: shared.map((rowId) => outputsByModel.get(model)!.get(rowId)!) })),
    { seed: options.seed ?? 0, references, concurrency: options.concurrency },
  );
  return { ...winRateMatrix(models, judgements), judge: judge.name, rows: shared.length };
}

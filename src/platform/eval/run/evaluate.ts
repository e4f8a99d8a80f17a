/**
 * @module platform/eval/run/evaluate
 * One evaluation, in memory: test rows through N models, optional custom graders, criteria judges and
 * head-to-head judging, then a summary per model. The store-backed command (eval-store.ts) wraps this;
 * the quality benchmark calls it directly.
 */
import type { ChatModel } from '../chat-model.ts';
import { gradeAll, type Grader } from '../metrics/custom-grader.ts';
import type { BootstrapOptions } from '../metrics/bootstrap.ts';
import { judgeCriterion, passScores, type Criterion, type CriterionJudgement } from '../judge/criteria.ts';
import { judgeHeadToHead, winRateMatrix, type PairJudgement, type WinRateMatrix } from '../judge/head-to-head.ts';
import { promptOf, referenceOf, type EvalRow } from '../eval-row.ts';
import { runModels, type ModelRun, type RunModelsOptions } from './run-models.ts';
import { summarizeRun, type ExtraScores, type ModelSummary } from './summarize.ts';
import { detectTask, type TaskSpec } from './task.ts';

export interface EvaluateOptions extends RunModelsOptions {
  task?: TaskSpec;
  graders?: { name: string; grade: Grader }[];
  judge?: ChatModel;
  criteria?: Criterion[];
  /** Run pairwise judging across all models (needs `judge` and at least two models). */
  headToHead?: boolean;
  seed?: number;
  bootstrap?: BootstrapOptions;
  dollarsPerCpuHour?: number;
}

export interface EvaluationResult {
  task: TaskSpec;
  runs: ModelRun[];
  summaries: ModelSummary[];
  criteria: Record<string, Record<string, CriterionJudgement[]>>;
  /** Per model: grader and criterion scores per row, in row order. */
  extraScores: Record<string, ExtraScores[]>;
  headToHead?: { judge: string; judgements: PairJudgement[]; matrix: WinRateMatrix };
}

export async function evaluate(models: readonly ChatModel[], rows: readonly EvalRow[], options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const task = options.task ?? detectTask(rows);
  const runs = await runModels(models, rows, options);
  return scoreRuns(runs, rows, task, options);
}

/** Scoring half of `evaluate`, usable on answers loaded from the store. */
export async function scoreRuns(runs: ModelRun[], rows: readonly EvalRow[], task: TaskSpec, options: EvaluateOptions = {}): Promise<EvaluationResult> {
  const prompts = rows.map((row) => promptOf(row));
  const criteria: EvaluationResult['criteria'] = {};
  const summaries: ModelSummary[] = [];
  const extraScores: EvaluationResult['extraScores'] = {};
  for (const run of runs) {
    const extra: ExtraScores[] = [];
    for (const grader of options.graders ?? []) extra.push({ name: grader.name, scores: await gradeAll(grader.grade, grader.name, [...rows], run.outputs) });
    if (options.judge) {
      for (const criterion of options.criteria ?? []) {
        const judgements = await judgeCriterion(options.judge, criterion, prompts, run.outputs, { signal: options.signal });
        (criteria[criterion.name] ??= {})[run.model] = judgements;
        extra.push({ name: criterion.name, scores: passScores(judgements) });
      }
    }
    extraScores[run.model] = extra;
    summaries.push(summarizeRun(run, rows, task, { bootstrap: { seed: options.seed ?? 0, ...options.bootstrap }, dollarsPerCpuHour: options.dollarsPerCpuHour, extra }));
  }
  let headToHead: EvaluationResult['headToHead'];
  if (options.judge && options.headToHead && runs.length >= 2) {
    const judgements = await judgeHeadToHead(
      options.judge,
      prompts,
      runs.map((run) => ({ model: run.model, outputs: run.outputs })),
      { seed: options.seed ?? 0, references: rows.map((row, index) => referenceOf(row, index)), signal: options.signal },
    );
    headToHead = { judge: options.judge.name, judgements, matrix: winRateMatrix(runs.map((run) => run.model), judgements) };
  }
  return { task, runs, summaries, criteria, extraScores, headToHead };
}

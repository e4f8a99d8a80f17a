/**
 * @module platform/eval/persist/eval-request
 * One evaluation request as plain JSON (what `sling eval` parses from flags and what an `eval` job carries
 * as payload), and the one function that executes it against a store. Keeping the request serializable is
 * what lets the same evaluation run in the foreground or in a worker, and be resumed after a crash.
 */
import type { Store } from '../../store/store.ts';
import type { ModelPricing } from '../chat-model.ts';
import type { EvalRow } from '../eval-row.ts';
import type { Criterion } from '../judge/criteria.ts';
import { loadGrader } from '../metrics/custom-grader.ts';
import { resolveModelSpec, type ResolveContext } from './model-specs.ts';
import { loadDatasetRows } from './stored-rows.ts';
import { runStoredEvaluation } from './stored-evaluation.ts';

export interface EvalRequest {
  dataset: string;
  models: string[];
  limit?: number;
  sample?: number;
  seed?: number;
  concurrency?: number;
  maxTokens?: number;
  judge?: string;
  headToHead?: boolean;
  criteria?: Criterion[];
  /** Grader file paths (absolute). */
  graders?: string[];
  apiKeyEnv?: string;
  prices?: Record<string, ModelPricing>;
  dollarsPerCpuHour?: number;
  name?: string;
}

export interface EvalHooks {
  resumeEvaluationId?: number;
  onCreated?: (evaluationId: number) => Promise<void> | void;
  onProgress?: (model: string, done: number, total: number) => void;
  signal?: AbortSignal;
}

export async function executeEvalRequest(store: Store, request: EvalRequest, hooks: EvalHooks = {}): Promise<number> {
  const data = await loadDatasetRows(store, request.dataset, 'test', { limit: request.limit, sample: request.sample, seed: request.seed });
  let trainRows: Promise<EvalRow[]> | undefined;
  const context: ResolveContext = {
    store,
    trainRows: () => (trainRows ??= loadDatasetRows(store, request.dataset, 'train').then((train) => train.rows)),
    apiKeyEnv: request.apiKeyEnv,
    prices: request.prices,
    concurrency: request.concurrency,
  };
  const models = [];
  for (const spec of request.models) models.push(await resolveModelSpec(spec, context));
  const judge = request.judge ? await resolveModelSpec(request.judge, context) : undefined;
  const graders = await Promise.all((request.graders ?? []).map(loadGrader));
  const { evaluationId } = await runStoredEvaluation(store, data, models, {
    name: request.name,
    specs: request.models,
    concurrency: request.concurrency,
    maxTokens: request.maxTokens,
    graders,
    judge,
    criteria: request.criteria,
    headToHead: request.headToHead,
    seed: request.seed,
    dollarsPerCpuHour: request.dollarsPerCpuHour,
    ...hooks,
  });
  return evaluationId;
}

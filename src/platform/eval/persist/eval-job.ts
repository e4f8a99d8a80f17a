/**
 * @module platform/eval/persist/eval-job
 * The `eval` job kind (`sling eval --background`, run by `sling worker`). The evaluation's id is kept in
 * the job's progress as soon as it exists, so a retried job resumes that evaluation and reuses every
 * answer already stored instead of paying for it twice.
 */
import { getJobHandler, registerJobHandler, type JobContext } from '../../jobs/registry.ts';
import type { JsonObject } from '../../store/records.ts';
import { executeEvalRequest, type EvalRequest } from './eval-request.ts';

export async function evalJob(context: JobContext<EvalRequest>): Promise<JsonObject> {
  const previous = context.job.progress?.evaluationId;
  let evaluationId = typeof previous === 'number' ? previous : undefined;
  let lastReport = 0;
  if (evaluationId !== undefined) await context.log(`resuming evaluation ${evaluationId}`);
  const finished = await executeEvalRequest(context.store, context.payload, {
    resumeEvaluationId: evaluationId,
    signal: context.signal,
    onCreated: async (id) => {
      evaluationId = id;
      await context.progress({ evaluationId: id });
    },
    onProgress: (model, done, total) => {
      if (done !== total && Date.now() - lastReport < 1000) return;
      lastReport = Date.now();
      void context.progress({ evaluationId: evaluationId ?? null, model, done, of: total });
    },
  });
  await context.log(`evaluation ${finished} finished`);
  return { evaluationId: finished };
}

if (!getJobHandler('eval')) registerJobHandler<EvalRequest>('eval', evalJob);

/**
 * @module platform/serve/fine-tuning/job-objects
 * Store jobs of kind `fine-tune` as OpenAI objects: `fine_tuning.job`, its events (job log lines as messages,
 * step losses as metrics events) and its checkpoints (the step checkpoints in the run directory).
 */
import { statSync } from 'node:fs';
import { checkpointPath, listCheckpoints, runPaths } from '../../../engine/train/run-directory.ts';
import type { Job, JobLogLine, RunMetric } from '../../store/records.ts';
import type { FineTuneJobPayload } from './fine-tune-job.ts';

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : Math.floor(ms / 1000));

export const fineTuningJobId = (jobId: number) => `ftjob-${jobId}`;

export function storeJobId(id: string): number | null {
  const match = /^ftjob-(\d+)$/.exec(id);
  return match ? Number(match[1]) : null;
}

export function jobObject(job: Job) {
  const payload = job.payload as unknown as FineTuneJobPayload;
  const result = (job.result ?? {}) as { tokensSeen?: number; stopReason?: string; model?: string };
  const succeeded = job.status === 'succeeded' && result.stopReason !== 'aborted';
  return {
    object: 'fine_tuning.job' as const,
    id: fineTuningJobId(job.id),
    model: payload.model,
    created_at: seconds(job.createdAt)!,
    finished_at: ['succeeded', 'failed', 'cancelled'].includes(job.status) ? seconds(job.finishedAt) : null,
    fine_tuned_model: succeeded ? payload.fineTunedModel : null,
    organization_id: 'sling',
    result_files: [],
    status: job.status as 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled',
    validation_file: payload.validationFile,
    training_file: payload.trainingFile,
    hyperparameters: { n_epochs: payload.hyperparameters.n_epochs ?? 3, batch_size: payload.hyperparameters.batch_size ?? 4, learning_rate_multiplier: payload.hyperparameters.learning_rate_multiplier ?? 1 },
    trained_tokens: succeeded ? result.tokensSeen ?? null : null,
    error: job.status === 'failed' ? { code: 'training_failed', message: job.error ?? 'training failed', param: null } : null,
    seed: payload.seed,
    estimated_finish: null,
    integrations: null,
    user_provided_suffix: payload.suffix,
    method: { type: 'supervised' as const, supervised: { hyperparameters: { n_epochs: payload.hyperparameters.n_epochs ?? 3, batch_size: payload.hyperparameters.batch_size ?? 4, learning_rate_multiplier: payload.hyperparameters.learning_rate_multiplier ?? 1 } } },
  };
}

export interface FineTuningEvent {
  object: 'fine_tuning.job.event';
  id: string;
  created_at: number;
  level: 'info' | 'warn' | 'error';
  message: string;
  type: 'message' | 'metrics';
  data: Record<string, unknown>;
}

/** Log lines and step losses, newest first (the order OpenAI lists events in). */
export function jobEvents(job: Job, logs: JobLogLine[], metrics: RunMetric[]): FineTuningEvent[] {
  const events: (FineTuningEvent & { order: number })[] = logs.map((line) => ({
    object: 'fine_tuning.job.event', id: `ftevent-${job.id}-log-${line.id}`, created_at: seconds(line.time)!, level: /fail|error/i.test(line.line) ? 'error' : 'info',
    message: line.line, type: 'message', data: {}, order: line.time,
  }));
  for (const metric of metrics.filter((item) => item.name === 'train_loss')) {
    events.push({
      object: 'fine_tuning.job.event', id: `ftevent-${job.id}-step-${metric.step}`, created_at: seconds(metric.time)!, level: 'info',
      message: `Step ${metric.step}: training loss=${metric.value.toFixed(4)}`, type: 'metrics', data: { step: metric.step, train_loss: metric.value }, order: metric.time + 0.5,
    });
  }
  return events.sort((a, b) => b.order - a.order).map(({ order: _order, ...event }) => event);
}

/** The step checkpoints the run directory holds, newest first. */
export function jobCheckpoints(job: Job, runDirectory: string, metrics: RunMetric[]) {
  const payload = job.payload as unknown as FineTuneJobPayload;
  const paths = runPaths(runDirectory);
  const steps = listCheckpoints(paths).reverse();
  return steps.map((step) => ({
    object: 'fine_tuning.job.checkpoint' as const,
    id: `ftckpt-${job.id}-${step}`,
    created_at: seconds(statSync(checkpointPath(paths, step)).mtimeMs)!,
    fine_tuned_model_checkpoint: `${payload.fineTunedModel}:ckpt-step-${step}`,
    fine_tuning_job_id: fineTuningJobId(job.id),
    step_number: step,
    metrics: {
      step,
      train_loss: metrics.find((metric) => metric.name === 'train_loss' && metric.step === step)?.value ?? null,
      valid_loss: metrics.find((metric) => metric.name === 'validation_loss' && metric.step === step)?.value ?? null,
    },
  }));
}

/**
 * @module platform/serve/fine-tuning/fine-tune-job
 * The `fine-tune` job behind `POST /v1/fine_tuning/jobs`: OpenAI's hyperparameters become a LoRA recipe
 * (n_epochs → epochs, batch_size → batch_size, learning_rate_multiplier × the recipe default 2e-4) and the `train`
 * handler does the rest in the job's folder — resumable, metrics and logs in the job, the adapter registered as a
 * model named `ft:BASE:SUFFIX:ftjob-N`, which the serve registry resolves to BASE plus that adapter.
 */
import type { JobContext } from '../../jobs/registry.ts';
import type { JsonObject } from '../../store/records.ts';
import { trainJob, type TrainJobPayload } from '../../training/train-job.ts';

export const DEFAULT_LEARNING_RATE = 2e-4;

export interface FineTuneHyperparameters {
  n_epochs?: number;
  batch_size?: number;
  learning_rate_multiplier?: number;
}

export interface FineTuneJobPayload {
  /** Served base model name (what the client asked for). */
  model: string;
  /** Its checkpoint path on this machine. */
  modelPath: string;
  trainingFile: string;
  trainingPath: string;
  validationFile: string | null;
  validationPath: string | null;
  hyperparameters: FineTuneHyperparameters;
  suffix: string | null;
  fineTunedModel: string;
  seed: number;
}

export function recipeFor(payload: FineTuneJobPayload): Record<string, unknown> {
  const { hyperparameters: hyper } = payload;
  return {
    model: payload.modelPath,
    data: { train: payload.trainingPath, ...(payload.validationPath ? { validation: payload.validationPath } : {}) },
    epochs: hyper.n_epochs ?? 3,
    batch_size: hyper.batch_size ?? 4,
    optimizer: { learning_rate: DEFAULT_LEARNING_RATE * (hyper.learning_rate_multiplier ?? 1) },
    seed: payload.seed,
    // Checkpoints are what /checkpoints lists and what a re-queued job resumes from; validation goes with them.
    checkpoint_interval: 5,
    eval_interval: 5,
  };
}

export async function fineTuneJob(context: JobContext<FineTuneJobPayload>): Promise<JsonObject> {
  const { payload } = context;
  await context.log(`fine-tuning ${payload.model} on ${payload.trainingFile} as ${payload.fineTunedModel}`);
  return trainJob({ ...context, payload: { recipe: recipeFor(payload), name: payload.fineTunedModel } satisfies TrainJobPayload } as JobContext<TrainJobPayload>);
}

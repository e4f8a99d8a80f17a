/**
 * @module platform/training/train-job
 * The `train` job: payload `{ recipe: {...recipe keys...}, name?: string }`. The run directory defaults to the
 * job's own folder, and the handler always resumes from the newest checkpoint it finds there, so a job
 * re-queued after a crash or worker shutdown continues where it stopped. Step losses and validation losses go
 * to the job's metrics, evaluations and skipped rows to its log; the final adapter files are stored as
 * workspace artifacts and the result is registered as a model (an adapter for LoRA; a merged GGUF base for
 * full fine-tuning).
 */
import { join } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import { exportRun } from '../../engine/train/export/export-run.ts';
import { validateRecipe } from '../../engine/train/recipe/load-recipe.ts';
import { runTraining } from '../../engine/train/train-run.ts';
import type { JobContext } from '../jobs/registry.ts';
import type { JsonObject } from '../store/records.ts';

export interface TrainJobPayload {
  recipe: Record<string, unknown>;
  /** Model name to register the result under (default `run-<job id>`). */
  name?: string;
}

export async function trainJob(context: JobContext<TrainJobPayload>): Promise<JsonObject> {
  const { payload, job } = context;
  if (typeof payload?.recipe !== 'object' || payload.recipe === null) {
    throw new SlingError('invalid_job', 'a train job needs a "recipe" object in its payload', { field: 'recipe', hint: 'see docs/recipe.md' });
  }
  const recipe = validateRecipe({ out: join(context.checkpointDir, 'run'), ...payload.recipe });
  let lastValidation: number | null = null;
  const pending: Promise<void>[] = [];
  const summary = await runTraining(recipe, {
    resume: true,
    signal: context.signal,
    log: (line) => void pending.push(context.log(line)),
    onProgress: (progress) => {
      pending.push(context.progress({ step: progress.step, of: progress.totalSteps, epoch: progress.epoch, loss: progress.loss, validationLoss: progress.validationLoss, tokensPerSecond: progress.tokensPerSecond }));
      if (Number.isFinite(progress.loss)) pending.push(context.metric(progress.step, 'train_loss', progress.loss));
      if (progress.validationLoss !== null && Number.isFinite(progress.validationLoss) && progress.validationLoss !== lastValidation) {
        lastValidation = progress.validationLoss;
        pending.push(context.metric(progress.step, 'validation_loss', progress.validationLoss));
      }
    },
  });
  await Promise.all(pending);
  if (summary.stopReason === 'aborted') return { ...summary } as unknown as JsonObject;
  const name = payload.name ?? `run-${job.id}`;
  let uri = summary.output;
  const artifacts: JsonObject = {};
  if (recipe.method === 'lora') {
    for (const file of ['adapter_config.json', 'adapter_model.safetensors']) artifacts[file] = (await context.workspace.artifacts.putFile(join(summary.output, file))).uri;
  } else {
    // The model folder (weights + manifest naming the base) is what Sling loads; a GGUF copy is a bonus for
    // llama.cpp users and not every tokenizer can be written to GGUF yet.
    artifacts['model.safetensors'] = (await context.workspace.artifacts.putFile(join(summary.output, 'model.safetensors'))).uri;
    try {
      const { files } = await exportRun(recipe.out, 'merged-gguf', join(recipe.out, 'export', 'merged-gguf'));
      artifacts['model.gguf'] = (await context.workspace.artifacts.putFile(files[0])).uri;
    } catch (error) {
      await context.log(`no GGUF copy of the model: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const existing = await context.store.models.get(name);
  if (existing) await context.log(`a model named "${name}" already exists; not registering this run`);
  else await context.store.models.register({ name, kind: recipe.method === 'lora' ? 'adapter' : 'base', uri, config: { base: recipe.model, runDirectory: recipe.out, method: recipe.method } });
  await context.log(`finished: ${summary.steps} steps, validation loss ${summary.initialValidationLoss ?? '-'} → ${summary.finalValidationLoss ?? '-'}; registered as ${name}`);
  return { ...(summary as unknown as JsonObject), model: name, artifacts };
}

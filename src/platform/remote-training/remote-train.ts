/**
 * @module platform/remote-training/remote-train
 * Training on any provider that speaks the OpenAI fine-tuning API (Sling's own server included): upload the
 * training (and validation) JSONL, create the job from the recipe's hyperparameters, follow its events until it
 * ends, and register the resulting model in the workspace as kind 'remote' (uri = base URL, config.model = the
 * fine-tuned model name), so `sling eval` compares it with local runs like any other model.
 */
import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import OpenAI, { toFile } from 'openai';
import { SlingError } from '../../core/errors.ts';
import type { Recipe } from '../../engine/train/recipe/recipe-schema.ts';
import { exportJsonl } from '../data/export.ts';
import type { ModelRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';

export interface RemoteTrainingOptions {
  baseUrl: string;
  apiKey?: string;
  /** The recipe: `model` is the provider's base model name; data files or `dataset:NAME[@VERSION]` references. */
  recipe: Recipe;
  suffix?: string;
  /** Name to register the model under (default: the fine-tuned model name). */
  name?: string;
  pollIntervalMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: { message: string; step?: number; trainLoss?: number; status: string }) => void;
}

export interface RemoteTrainingResult {
  jobId: string;
  status: string;
  fineTunedModel: string | null;
  model: ModelRecord | null;
}

const DEFAULT_LEARNING_RATE = 2e-4;

/** A data reference as upload bytes: a file path, or `dataset:NAME[@VERSION]` (its train split, exported from the store). */
async function uploadable(store: Store | null, reference: string, field: 'data.train' | 'data.validation') {
  if (!reference.startsWith('dataset:')) return toFile(createReadStream(reference), reference.split('/').pop() ?? 'train.jsonl');
  if (!store) throw new SlingError('no_workspace', 'dataset references need a workspace', { field });
  if (field === 'data.validation') throw new SlingError('invalid_option', 'a dataset has train and test splits only; give validation data as a file', { field, hint: 'or leave validation out' });
  const split = 'train';
  const body = new PassThrough();
  const chunks: Buffer[] = [];
  body.on('data', (chunk: Buffer) => chunks.push(chunk));
  const count = await exportJsonl(store, reference.slice('dataset:'.length), body, { split, messagesOnly: true });
  body.end();
  if (count === 0) throw new SlingError('empty_dataset', `${reference} has no ${split} rows`, { field, hint: 'split the dataset first (sling data split)' });
  return toFile(Buffer.concat(chunks), `${reference.slice('dataset:'.length).replace(/[^\w.-]/g, '_')}-${split}.jsonl`);
}

export async function trainRemotely(store: Store | null, options: RemoteTrainingOptions): Promise<RemoteTrainingResult> {
  const client = new OpenAI({ baseURL: options.baseUrl, apiKey: options.apiKey ?? 'none', maxRetries: 3 });
  const { recipe } = options;
  const training = await client.files.create({ file: await uploadable(store, recipe.data.train, 'data.train'), purpose: 'fine-tune' });
  const validation = recipe.data.validation ? await client.files.create({ file: await uploadable(store, recipe.data.validation, 'data.validation'), purpose: 'fine-tune' }) : null;
  const job = await client.fineTuning.jobs.create({
    model: recipe.model,
    training_file: training.id,
    validation_file: validation?.id,
    suffix: options.suffix,
    seed: recipe.seed,
    hyperparameters: { n_epochs: Math.max(1, Math.round(recipe.epochs)), batch_size: recipe.batch_size, learning_rate_multiplier: recipe.optimizer.learning_rate / DEFAULT_LEARNING_RATE },
  });
  const seen = new Set<string>();
  let current = job;
  for (;;) {
    const fresh = [];
    for await (const event of client.fineTuning.jobs.listEvents(job.id, { limit: 100 })) {
      if (seen.has(event.id)) break; // newest first: everything older was reported already
      fresh.push(event);
    }
    for (const event of fresh.reverse()) {
      seen.add(event.id);
      const data = (event.data ?? {}) as { step?: number; train_loss?: number };
      options.onEvent?.({ message: event.message, step: data.step, trainLoss: data.train_loss, status: current.status });
    }
    current = await client.fineTuning.jobs.retrieve(job.id);
    if (['succeeded', 'failed', 'cancelled'].includes(current.status)) break;
    if (options.signal?.aborted) {
      current = await client.fineTuning.jobs.cancel(job.id);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs ?? 1000));
  }
  if (current.status !== 'succeeded' || !current.fine_tuned_model) {
    return { jobId: job.id, status: current.status, fineTunedModel: null, model: null };
  }
  const name = options.name ?? current.fine_tuned_model;
  const model = store
    ? await store.models.register({ name, kind: 'remote', uri: options.baseUrl, config: { model: current.fine_tuned_model, fineTuningJob: job.id, base: recipe.model, trainedTokens: current.trained_tokens ?? null } })
    : null;
  return { jobId: job.id, status: current.status, fineTunedModel: current.fine_tuned_model, model };
}

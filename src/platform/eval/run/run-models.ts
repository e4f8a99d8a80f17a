/**
 * @module platform/eval/run/run-models
 * Sends every test row's prompt to every model and collects answers with their usage. Models run one after
 * another (each may be a local model that wants the whole CPU); rows of one model run with a concurrency
 * limit. A row that still fails after the model's own retries is recorded as an error with an empty answer,
 * so one bad row never throws away the answers already paid for.
 */
import type { ChatModel, ChatRequest } from '../chat-model.ts';
import { concurrencyLimit } from '../clients/concurrency-limit.ts';
import type { UsageRecord } from '../metrics/cost.ts';
import { promptOf, type EvalRow } from '../eval-row.ts';

export interface ModelRun {
  model: string;
  kind: ChatModel['kind'];
  pricing?: ChatModel['pricing'];
  outputs: string[];
  usage: UsageRecord[];
  /** Error message per row, null when the row was answered. */
  errors: (string | null)[];
}

export interface RunModelsOptions {
  concurrency?: number;
  maxTokens?: number;
  temperature?: number;
  responseFormat?: ChatRequest['responseFormat'];
  signal?: AbortSignal;
  onProgress?: (model: string, done: number, total: number) => void;
  /** Answers already stored (e.g. a resumed evaluation): row index → answer; these rows are not sent again. */
  known?: (model: string, rowIndex: number) => { output: string; usage: UsageRecord } | undefined;
  /** Called for each fresh answer, so callers can persist as they go. */
  onAnswer?: (model: string, rowIndex: number, output: string, usage: UsageRecord, error: string | null) => Promise<void> | void;
}

export async function runModel(model: ChatModel, rows: readonly EvalRow[], options: RunModelsOptions = {}): Promise<ModelRun> {
  const run: ModelRun = { model: model.name, kind: model.kind, pricing: model.pricing, outputs: [], usage: [], errors: [] };
  const limit = concurrencyLimit(options.concurrency ?? 2);
  let done = 0;
  await Promise.all(
    rows.map((row, index) =>
      limit(async () => {
        const known = options.known?.(model.name, index);
        if (known) {
          run.outputs[index] = known.output;
          run.usage[index] = known.usage;
          run.errors[index] = null;
        } else {
          try {
            const result = await model.complete(
              { messages: promptOf(row), maxTokens: options.maxTokens, temperature: options.temperature ?? 0, responseFormat: options.responseFormat },
              options.signal,
            );
            run.outputs[index] = result.text;
            run.usage[index] = { inputTokens: result.inputTokens, outputTokens: result.outputTokens, latencyMs: result.latencyMs, computeMs: result.computeMs };
            run.errors[index] = null;
          } catch (error) {
            if (options.signal?.aborted) throw error;
            run.outputs[index] = '';
            run.usage[index] = { inputTokens: 0, outputTokens: 0, latencyMs: 0 };
            run.errors[index] = (error as Error).message;
          }
          await options.onAnswer?.(model.name, index, run.outputs[index], run.usage[index], run.errors[index]);
        }
        options.onProgress?.(model.name, ++done, rows.length);
      }),
    ),
  );
  return run;
}

export async function runModels(models: readonly ChatModel[], rows: readonly EvalRow[], options: RunModelsOptions = {}): Promise<ModelRun[]> {
  const runs: ModelRun[] = [];
  for (const model of models) runs.push(await runModel(model, rows, options));
  return runs;
}

/**
 * @module platform/serve/routes/generation
 * The shared path of `/v1/chat/completions` and `/v1/completions`: resolve the model, queue the row on the
 * base's batch scheduler, and answer either with one JSON object or as a server-sent-event stream. The two
 * endpoints differ only in the prompt they build and the shape of their objects (./openai-objects.ts).
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { randomBytes } from 'node:crypto';
import { costOf } from '../../eval/metrics/cost.ts';
import { toApiError } from '../openai-errors.ts';
import type { ExchangeRecorder, ServeEnv } from '../exchange-log.ts';
import type { ModelRegistry } from '../model-registry.ts';
import type { GenerationOutput, GenerationParams, Prompt } from '../serving-model.ts';
import { writeChunk, writeDone, writeStreamError } from '../sse.ts';
import type { ObjectShapes } from './openai-objects.ts';

export interface GenerationJob {
  model: string;
  prompt: Prompt;
  params: GenerationParams;
  stream: boolean;
  includeUsage: boolean;
}

export interface GenerationDependencies {
  registry: ModelRegistry;
  recorder: ExchangeRecorder;
  /** Dollars per CPU-hour used to price local compute in the logs. */
  dollarsPerCpuHour?: number;
}

export async function answerGeneration(
  c: Context<ServeEnv>,
  job: GenerationJob,
  shapes: ObjectShapes,
  dependencies: GenerationDependencies,
): Promise<Response> {
  const exchange = c.get('exchange');
  exchange.model = job.model;
  const resolved = await dependencies.registry.resolve(job.model);
  exchange.modelResolved = true;
  exchange.adapter = resolved.adapter?.name ?? null;
  const id = `${shapes.idPrefix}-${randomBytes(12).toString('hex')}`;
  const created = Math.floor(Date.now() / 1000);
  const account = (output: GenerationOutput) => {
    exchange.promptTokens = output.promptTokens;
    exchange.completionTokens = output.completionTokens;
    exchange.computeMs = output.computeMs;
    exchange.cost = costOf([{ inputTokens: output.promptTokens, outputTokens: output.completionTokens, latencyMs: 0, computeMs: output.computeMs }], {
      kind: 'local',
      dollarsPerCpuHour: dependencies.dollarsPerCpuHour,
    }).totalDollars;
    exchange.response = shapes.complete(id, created, job.model, output);
  };

  if (!job.stream) {
    try {
      // A client that hangs up stops its row: nobody would read the answer.
      const signal = c.req.raw.signal;
      const output = await resolved.scheduler.submit({ prompt: job.prompt, params: job.params, adapter: resolved.adapter, signal });
      account(output);
      if (signal.aborted) {
        exchange.error = 'the client closed the connection before the answer was ready';
        return c.json(exchange.response!, 499 as 200);
      }
      return c.json(exchange.response!);
    } finally {
      resolved.release();
    }
  }

  exchange.deferred = true;
  const abort = new AbortController();
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => abort.abort());
    let status = 200;
    let writes = writeChunk(stream, shapes.firstChunk(id, created, job.model, job.includeUsage));
    try {
      const output = await resolved.scheduler.submit({
        prompt: job.prompt,
        params: job.params,
        adapter: resolved.adapter,
        signal: abort.signal,
        onText: (delta) => {
          writes = writes.then(() => writeChunk(stream, shapes.deltaChunk(id, created, job.model, delta, job.includeUsage)));
        },
      });
      account(output);
      await writes;
      await writeChunk(stream, shapes.finalChunk(id, created, job.model, output.finishReason, job.includeUsage));
      if (job.includeUsage) await writeChunk(stream, shapes.usageChunk(id, created, job.model, output));
      await writeDone(stream);
    } catch (error) {
      const apiError = toApiError(error);
      status = apiError.status;
      exchange.error = apiError.message;
      await writes.catch(() => undefined);
      await writeStreamError(stream, apiError.body());
    } finally {
      resolved.release();
      dependencies.recorder.finish(c, abort.signal.aborted ? 499 : status);
    }
  });
}

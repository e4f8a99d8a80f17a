/**
 * @module platform/eval/clients/openai-chat-model
 * Any OpenAI-compatible chat endpoint (OpenAI, vLLM, llama.cpp server, Sling's own server) as a ChatModel,
 * through the official `openai` client. The client's own retries are off: ours (retry.ts) also cover the
 * concurrency limit and report each retry, so the evaluation log shows why a run was slow.
 */
import OpenAI from 'openai';
import { SlingError } from '../../../core/errors.ts';
import type { ChatModel, ChatModelKind, ChatRequest, ChatResult, ModelPricing } from '../chat-model.ts';
import { concurrencyLimit } from './concurrency-limit.ts';
import { withRetries, type RetryOptions } from './retry.ts';

export interface OpenAiChatModelOptions {
  baseUrl: string;
  model: string;
  /** Name of the environment variable holding the API key; local servers may need none. */
  apiKeyEnv?: string;
  /** Display name in reports (default: the model id). */
  name?: string;
  kind?: ChatModelKind;
  concurrency?: number;
  retry?: RetryOptions;
  timeoutMs?: number;
  pricing?: ModelPricing;
}

export function createOpenAiChatModel(options: OpenAiChatModelOptions): ChatModel {
  let apiKey = 'not-needed';
  if (options.apiKeyEnv) {
    const value = process.env[options.apiKeyEnv];
    if (!value) {
      throw new SlingError('remote_model_no_api_key', `environment variable ${options.apiKeyEnv} is not set`, {
        field: 'apiKeyEnv',
        hint: `export ${options.apiKeyEnv}=... before running, or name another variable`,
      });
    }
    apiKey = value;
  }
  const client = new OpenAI({ baseURL: options.baseUrl, apiKey, maxRetries: 0, timeout: options.timeoutMs ?? 120_000 });
  const limit = concurrencyLimit(options.concurrency ?? 4);
  return {
    name: options.name ?? options.model,
    kind: options.kind ?? 'remote',
    pricing: options.pricing,
    complete(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
      return limit(async () => {
        // Latency includes retries (the caller waited for them) but not the wait for a concurrency slot.
        const started = performance.now();
        const result = await withRetries(
          async () => {
            const completion = await client.chat.completions.create(
              {
                model: options.model,
                messages: request.messages,
                max_tokens: request.maxTokens,
                temperature: request.temperature,
                response_format:
                  request.responseFormat?.type === 'json_schema'
                    ? { type: 'json_schema', json_schema: { name: 'answer', schema: request.responseFormat.schema as Record<string, unknown> } }
                    : request.responseFormat,
              },
              { signal },
            );
            return {
              text: completion.choices[0]?.message?.content ?? '',
              inputTokens: completion.usage?.prompt_tokens ?? 0,
              outputTokens: completion.usage?.completion_tokens ?? 0,
            };
          },
          options.retry,
          signal,
        );
        return { ...result, latencyMs: performance.now() - started };
      });
    },
  };
}

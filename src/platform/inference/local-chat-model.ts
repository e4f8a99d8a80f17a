/**
 * @module platform/inference/local-chat-model
 * A ChatModel backed by a local Llama: renders the messages (chat-prompt.ts), generates with the KV cache,
 * and honours `responseFormat` with the JSON-schema constraint. Calls run one at a time: generation is CPU-
 * bound and the machine has few cores, so queueing beats interleaving.
 */
import { generate } from '../../engine/models/generate/generate.ts';
import type { ChatModel, ChatModelKind, ChatRequest, ChatResult } from '../eval/chat-model.ts';
import { SlingError } from '../../core/errors.ts';
import { chatPrompt } from './chat-prompt.ts';
import type { LocalModel } from './local-model.ts';

export interface LocalChatModelOptions {
  /** Default when the request sets none. */
  maxTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
}

export class LocalChatModel implements ChatModel {
  readonly name: string;
  readonly kind: ChatModelKind;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly local: LocalModel, private readonly options: LocalChatModelOptions = {}) {
    this.name = local.name;
    this.kind = local.adapterPath ? 'adapter' : 'local';
  }

  complete(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult> {
    const queued = performance.now();
    const run = this.queue.then(() => this.run(request, queued, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private run(request: ChatRequest, queued: number, signal?: AbortSignal): ChatResult {
    if (signal?.aborted) throw new SlingError('request_aborted', 'the request was cancelled before it started');
    const { model, tokenizer, chatTemplate } = this.local;
    const prompt = chatPrompt(request.messages, tokenizer, chatTemplate);
    const result = generate(model, tokenizer, prompt.ids, {
      maxTokens: request.maxTokens ?? this.options.maxTokens ?? 256,
      temperature: request.temperature ?? this.options.temperature ?? 0,
      topK: this.options.topK,
      topP: this.options.topP,
      seed: this.options.seed,
      stopStrings: prompt.stopStrings,
      responseFormat: request.responseFormat,
    });
    return {
      text: result.text,
      inputTokens: prompt.ids.length,
      outputTokens: result.tokenIds.length,
      latencyMs: performance.now() - queued,
      computeMs: result.prefillMs + result.decodeMs,
    };
  }
}

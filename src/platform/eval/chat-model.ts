/**
 * @module platform/eval/chat-model
 * The one contract every model under evaluation implements: local base models, local models with a LoRA
 * adapter, remote OpenAI-compatible endpoints, and classical baselines. Evaluations, judges and the
 * comparison report only ever see this interface.
 */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  maxTokens?: number;
  temperature?: number;
  responseFormat?: { type: 'json_object' } | { type: 'json_schema'; schema: object };
}

export interface ChatResult {
  text: string;
  inputTokens: number;
  outputTokens: number;
  /** Wall-clock time of the call as seen by the caller (queueing and network included). */
  latencyMs: number;
  /** Compute time actually spent by a local model; used to price local models that have no per-token price. */
  computeMs?: number;
}

export interface ModelPricing {
  /** US dollars per one million input tokens. */
  inputPerMillion: number;
  /** US dollars per one million output tokens. */
  outputPerMillion: number;
}

export type ChatModelKind = 'local' | 'adapter' | 'remote' | 'baseline';

export interface ChatModel {
  name: string;
  kind: ChatModelKind;
  complete(request: ChatRequest, signal?: AbortSignal): Promise<ChatResult>;
  pricing?: ModelPricing;
}

/** Rough token count for models that have no tokenizer (baselines): whitespace/punctuation pieces. */
export function approximateTokenCount(text: string): number {
  const pieces = text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu);
  return pieces ? pieces.length : 0;
}

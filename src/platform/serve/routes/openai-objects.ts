/**
 * @module platform/serve/routes/openai-objects
 * The response objects of OpenAI's API, built exactly as its SDKs expect: `chat.completion` and
 * `chat.completion.chunk` for chat, `text_completion` for the legacy completions endpoint. With
 * `stream_options.include_usage`, every chunk carries `usage: null` and one last chunk has empty `choices`
 * and the usage.
 */
import type { GenerationOutput } from '../serving-model.ts';

type Json = Record<string, unknown>;

export interface ObjectShapes {
  idPrefix: string;
  complete(id: string, created: number, model: string, output: GenerationOutput): Json;
  firstChunk(id: string, created: number, model: string, includeUsage: boolean): Json;
  deltaChunk(id: string, created: number, model: string, delta: string, includeUsage: boolean): Json;
  finalChunk(id: string, created: number, model: string, finishReason: string, includeUsage: boolean): Json;
  usageChunk(id: string, created: number, model: string, output: GenerationOutput): Json;
}

export const usageOf = (output: GenerationOutput) => ({
  prompt_tokens: output.promptTokens,
  completion_tokens: output.completionTokens,
  total_tokens: output.promptTokens + output.completionTokens,
});

function chatChunk(id: string, created: number, model: string, choices: Json[], includeUsage: boolean): Json {
  const chunk: Json = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: null, choices };
  if (includeUsage) chunk.usage = null;
  return chunk;
}

export const chatShapes: ObjectShapes = {
  idPrefix: 'chatcmpl',
  complete: (id, created, model, output) => ({
    id,
    object: 'chat.completion',
    created,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, message: { role: 'assistant', content: output.text, refusal: null }, logprobs: null, finish_reason: output.finishReason }],
    usage: usageOf(output),
  }),
  firstChunk: (id, created, model, includeUsage) =>
    chatChunk(id, created, model, [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], includeUsage),
  deltaChunk: (id, created, model, delta, includeUsage) =>
    chatChunk(id, created, model, [{ index: 0, delta: { content: delta }, logprobs: null, finish_reason: null }], includeUsage),
  finalChunk: (id, created, model, finishReason, includeUsage) =>
    chatChunk(id, created, model, [{ index: 0, delta: {}, logprobs: null, finish_reason: finishReason }], includeUsage),
  usageChunk: (id, created, model, output) => ({ ...chatChunk(id, created, model, [], true), usage: usageOf(output) }),
};

function textObject(id: string, created: number, model: string, choices: Json[], usage?: Json | null): Json {
  const object: Json = { id, object: 'text_completion', created, model, system_fingerprint: null, choices };
  if (usage !== undefined) object.usage = usage;
  return object;
}

export const completionShapes: ObjectShapes = {
  idPrefix: 'cmpl',
  complete: (id, created, model, output) =>
    textObject(id, created, model, [{ index: 0, text: output.text, logprobs: null, finish_reason: output.finishReason }], usageOf(output)),
  // The legacy endpoint has no role chunk: its first chunk simply carries empty text.
  firstChunk: (id, created, model, includeUsage) =>
    textObject(id, created, model, [{ index: 0, text: '', logprobs: null, finish_reason: null }], includeUsage ? null : undefined),
  deltaChunk: (id, created, model, delta, includeUsage) =>
    textObject(id, created, model, [{ index: 0, text: delta, logprobs: null, finish_reason: null }], includeUsage ? null : undefined),
  finalChunk: (id, created, model, finishReason, includeUsage) =>
    textObject(id, created, model, [{ index: 0, text: '', logprobs: null, finish_reason: finishReason }], includeUsage ? null : undefined),
  usageChunk: (id, created, model, output) => textObject(id, created, model, [], usageOf(output)),
};

/**
 * @module platform/serve/sse
 * Server-sent events in the framing OpenAI's SDKs parse: one `data: <json>` event per chunk, a blank line after
 * each, and the literal `data: [DONE]` at the end. Errors that happen after the stream started can no longer
 * change the status code, so they go out as a `data:` event holding an OpenAI error object (the SDK raises it).
 */
import type { SSEStreamingApi } from 'hono/streaming';
import type { OpenAiErrorBody } from './openai-errors.ts';

export async function writeChunk(stream: SSEStreamingApi, chunk: object): Promise<void> {
  await stream.writeSSE({ data: JSON.stringify(chunk) });
}

export async function writeDone(stream: SSEStreamingApi): Promise<void> {
  await stream.writeSSE({ data: '[DONE]' });
}

export async function writeStreamError(stream: SSEStreamingApi, body: OpenAiErrorBody): Promise<void> {
  await stream.writeSSE({ data: JSON.stringify(body) });
}

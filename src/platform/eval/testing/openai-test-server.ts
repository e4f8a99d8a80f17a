/**
 * @module platform/eval/testing/openai-test-server
 * A real HTTP server on loopback that serves `POST /v1/chat/completions` (and `GET /v1/models`) around any
 * ChatModel, so the OpenAI-compatible client is tested end to end against a real model (e.g. the trained
 * TF-IDF baseline) rather than canned responses. Failures can be queued to exercise retries: each queued
 * status answers exactly one request before the model is called.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatModel, ChatRequest } from '../chat-model.ts';

export interface QueuedFailure {
  status: number;
  retryAfterSeconds?: number;
}

export interface OpenAiTestServer {
  baseUrl: string;
  /** Requests received, failed ones included. */
  requestCount(): number;
  /** Request bodies the model actually answered. */
  answered: ChatRequest[];
  failNext(...failures: QueuedFailure[]): void;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startOpenAiTestServer(models: ChatModel[]): Promise<OpenAiTestServer> {
  const failures: QueuedFailure[] = [];
  const answered: ChatRequest[] = [];
  let requests = 0;
  const send = (response: import('node:http').ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
  const server: Server = createServer(async (request, response) => {
    requests++;
    try {
      if (request.method === 'GET' && request.url === '/v1/models') {
        return send(response, 200, { object: 'list', data: models.map((model) => ({ id: model.name, object: 'model', owned_by: 'sling-test' })) });
      }
      if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
        return send(response, 404, { error: { message: `no route ${request.method} ${request.url}`, type: 'not_found' } });
      }
      const body = JSON.parse(await readBody(request)) as {
        model: string;
        messages: ChatRequest['messages'];
        max_tokens?: number;
        temperature?: number;
        response_format?: { type: 'json_object' } | { type: 'json_schema'; json_schema: { schema: object } } | { type: 'text' };
      };
      const failure = failures.shift();
      if (failure) {
        const headers: Record<string, string> = failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
        return send(response, failure.status, { error: { message: `injected failure ${failure.status}`, type: 'server_error' } }, headers);
      }
      const model = models.find((candidate) => candidate.name === body.model);
      if (!model) return send(response, 404, { error: { message: `model ${body.model} not found`, type: 'invalid_request_error' } });
      const format = body.response_format;
      const chatRequest: ChatRequest = {
        messages: body.messages,
        maxTokens: body.max_tokens,
        temperature: body.temperature,
        responseFormat: format?.type === 'json_schema' ? { type: 'json_schema', schema: format.json_schema.schema } : format?.type === 'json_object' ? { type: 'json_object' } : undefined,
      };
      const result = await model.complete(chatRequest);
      answered.push(chatRequest);
      send(response, 200, {
        id: `chatcmpl-test-${requests}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: model.name,
        choices: [{ index: 0, message: { role: 'assistant', content: result.text }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: result.inputTokens, completion_tokens: result.outputTokens, total_tokens: result.inputTokens + result.outputTokens },
      });
    } catch (error) {
      send(response, 500, { error: { message: (error as Error).message, type: 'server_error' } });
    }
  });
  // Longer than the client's own idle timeout, so the client always closes idle sockets first: otherwise a
  // request can race the server closing a pooled connection and fail with a spurious connection error.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requestCount: () => requests,
    answered,
    failNext: (...queued) => failures.push(...queued),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * @module platform/serve/routes/openai-routes
 * `/v1/chat/completions`, `/v1/completions` and `/v1/models`. Bodies are validated (./openai-schemas.ts) before
 * anything else happens; OpenAI's defaults apply to omitted fields (temperature 1, top_p 1).
 */
import type { Context, Hono } from 'hono';
import { badRequest } from '../openai-errors.ts';
import { chatCompletionBody, completionBody, contentText, parseBody, type ChatCompletionBody, type CompletionBody } from '../openai-schemas.ts';
import type { ServeEnv } from '../exchange-log.ts';
import type { GenerationParams, ResponseFormat } from '../serving-model.ts';
import { answerGeneration, type GenerationDependencies } from './generation.ts';
import { chatShapes, completionShapes } from './openai-objects.ts';

/** Completion length when the request names none. */
export const DEFAULT_MAX_TOKENS = 256;

async function jsonBody(c: Context<ServeEnv>): Promise<unknown> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw badRequest('the request body is not valid JSON', null, 'invalid_json');
  }
  if (typeof body === 'object' && body !== null) {
    const exchange = c.get('exchange');
    exchange.request = body as Record<string, unknown>;
    // Known before validation, so refused requests are still filed under their model.
    const model = (body as { model?: unknown }).model;
    if (typeof model === 'string') exchange.model = model.slice(0, 256);
  }
  return body;
}

function paramsOf(body: ChatCompletionBody | CompletionBody, maxTokens: number | null | undefined, responseFormat?: ResponseFormat): GenerationParams {
  const stop = body.stop == null ? [] : typeof body.stop === 'string' ? [body.stop] : body.stop;
  return {
    maxTokens: maxTokens ?? DEFAULT_MAX_TOKENS,
    temperature: body.temperature ?? 1,
    topP: body.top_p ?? 1,
    seed: body.seed ?? undefined,
    stop,
    responseFormat,
  };
}

function responseFormatOf(body: ChatCompletionBody): ResponseFormat | undefined {
  const format = body.response_format;
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  return { type: 'json_schema', schema: format.json_schema.schema };
}

export function registerOpenAiRoutes(app: Hono<ServeEnv>, dependencies: GenerationDependencies): void {
  app.post('/v1/chat/completions', async (c) => {
    const body = parseBody(chatCompletionBody, await jsonBody(c));
    const messages = body.messages.map((message) => ({
      role: message.role === 'developer' ? ('system' as const) : message.role,
      content: contentText(message.content),
    }));
    return answerGeneration(
      c,
      {
        model: body.model,
        prompt: { kind: 'chat', messages },
        params: paramsOf(body, body.max_completion_tokens ?? body.max_tokens, responseFormatOf(body)),
        stream: body.stream === true,
        includeUsage: body.stream_options?.include_usage === true,
      },
      chatShapes,
      dependencies,
    );
  });

  app.post('/v1/completions', async (c) => {
    const body = parseBody(completionBody, await jsonBody(c));
    if (body.echo) throw badRequest("'echo' is not supported", 'echo', 'unsupported_parameter');
    if (body.suffix) throw badRequest("'suffix' is not supported", 'suffix', 'unsupported_parameter');
    return answerGeneration(
      c,
      {
        model: body.model,
        prompt: { kind: 'text', text: typeof body.prompt === 'string' ? body.prompt : body.prompt[0] },
        params: paramsOf(body, body.max_tokens ?? 16),
        stream: body.stream === true,
        includeUsage: body.stream_options?.include_usage === true,
      },
      completionShapes,
      dependencies,
    );
  });

  app.get('/v1/models', async (c) => {
    const created = Math.floor(Date.now() / 1000);
    const listings = await dependencies.registry.list();
    return c.json({
      object: 'list',
      data: listings.map((listing) => ({
        id: listing.id,
        object: 'model',
        created,
        owned_by: listing.adapter ? `sling-${listing.origin}` : 'sling',
        root: listing.base,
        parent: listing.adapter ? listing.base : null,
      })),
    });
  });
}

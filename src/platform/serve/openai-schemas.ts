/**
 * @module platform/serve/openai-schemas
 * Request bodies of the OpenAI-compatible endpoints, validated with zod. Objects are strict: a field the server
 * does not implement is a 400 naming the field, never silently ignored. Fields OpenAI defines that Sling does not
 * support yet (tools, functions, n > 1, logprobs, ...) get their own message so callers know it is deliberate.
 */
import { z } from 'zod';
import { ApiError, badRequest, unsupported } from './openai-errors.ts';

/** Limits that keep one request from exhausting the server. */
export const requestLimits = {
  maxBodyBytes: 1_000_000,
  /** `/v1/files` uploads: training sets of a few thousand chat rows run to tens of MB (OpenAI accepts 512 MB). */
  maxUploadBytes: 200_000_000,
  maxMessages: 256,
  maxContentChars: 200_000,
  maxOutputTokens: 4096,
  maxStopSequences: 4,
};

const textPart = z.strictObject({ type: z.literal('text'), text: z.string().max(requestLimits.maxContentChars) });
const content = z.union([z.string().max(requestLimits.maxContentChars), z.array(textPart).max(64)]);

const message = z.strictObject({
  role: z.enum(['system', 'developer', 'user', 'assistant']),
  content,
  name: z.string().max(64).optional(),
});

const jsonSchemaFormat = z.strictObject({
  type: z.literal('json_schema'),
  json_schema: z.strictObject({
    name: z.string().min(1).max(64),
    description: z.string().optional(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullable().optional(),
  }),
});
const responseFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  jsonSchemaFormat,
]);

const sampling = {
  model: z.string().min(1).max(256),
  max_tokens: z.number().int().min(1).max(requestLimits.maxOutputTokens).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().gt(0).max(1).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(requestLimits.maxStopSequences)]).nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  user: z.string().max(256).optional(),
  // Accepted only at their neutral values; anything else is refused below.
  n: z.number().int().nullable().optional(),
  presence_penalty: z.number().nullable().optional(),
  frequency_penalty: z.number().nullable().optional(),
  logprobs: z.union([z.boolean(), z.number()]).nullable().optional(),
};

export const chatCompletionBody = z.strictObject({
  ...sampling,
  messages: z.array(message).min(1).max(requestLimits.maxMessages),
  max_completion_tokens: z.number().int().min(1).max(requestLimits.maxOutputTokens).nullable().optional(),
  response_format: responseFormat.optional(),
  top_logprobs: z.number().nullable().optional(),
});

export const completionBody = z.strictObject({
  ...sampling,
  prompt: z.union([z.string().max(requestLimits.maxContentChars), z.array(z.string()).length(1)]),
  echo: z.boolean().nullable().optional(),
  suffix: z.string().nullable().optional(),
});

export type ChatCompletionBody = z.infer<typeof chatCompletionBody>;
export type CompletionBody = z.infer<typeof completionBody>;

/** Fields OpenAI defines but Sling deliberately does not implement yet, with the reason given to the caller. */
const unsupportedFields: Record<string, string> = {
  tools: 'tool calling is not supported by this server yet',
  tool_choice: 'tool calling is not supported by this server yet',
  parallel_tool_calls: 'tool calling is not supported by this server yet',
  functions: 'function calling is not supported by this server',
  function_call: 'function calling is not supported by this server',
  audio: 'audio output is not supported',
  modalities: 'only text output is supported',
  prediction: 'predicted outputs are not supported',
  logit_bias: 'logit_bias is not supported yet',
  best_of: 'best_of is not supported',
  reasoning_effort: 'reasoning_effort is not supported by local models',
  web_search_options: 'web search is not supported',
};

function refuseUnsupported(body: Record<string, unknown>): void {
  for (const [field, reason] of Object.entries(unsupportedFields)) {
    if (body[field] !== undefined && body[field] !== null) throw unsupported(field, `'${field}': ${reason}`);
  }
  if (typeof body.n === 'number' && body.n !== 1) throw unsupported('n', `'n': only n=1 is supported (got ${body.n})`);
  if (body.logprobs === true || (typeof body.logprobs === 'number' && body.logprobs > 0)) {
    throw unsupported('logprobs', "'logprobs': log probabilities are not returned yet");
  }
  if (typeof body.top_logprobs === 'number' && body.top_logprobs > 0) {
    throw unsupported('top_logprobs', "'top_logprobs': log probabilities are not returned yet");
  }
  for (const field of ['presence_penalty', 'frequency_penalty']) {
    if (typeof body[field] === 'number' && body[field] !== 0) {
      throw unsupported(field, `'${field}': only 0 is supported (Sling samples with temperature/top_p)`);
    }
  }
  if (Array.isArray(body.messages)) {
    body.messages.forEach((entry, index) => {
      const role = (entry as { role?: unknown } | null)?.role;
      if (role === 'tool' || role === 'function') {
        throw unsupported(`messages[${index}].role`, `messages[${index}]: role '${role}' is not supported (no tool calling)`);
      }
      const parts = (entry as { content?: unknown }).content;
      if (Array.isArray(parts)) {
        parts.forEach((part, partIndex) => {
          const type = (part as { type?: unknown } | null)?.type;
          if (type !== 'text') {
            throw unsupported(`messages[${index}].content[${partIndex}]`, `content part type '${String(type)}' is not supported (text only)`);
          }
        });
      }
    });
  }
}

/** Validates a parsed JSON body; throws an ApiError (400) naming the first offending field. */
export function parseBody<Schema extends z.ZodType>(schema: Schema, body: unknown): z.infer<Schema> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object', null, 'invalid_body');
  }
  refuseUnsupported(body as Record<string, unknown>);
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue.path.map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`)).join('');
  const message = issue.code === 'unrecognized_keys'
    ? `unrecognized request argument(s): ${issue.keys.join(', ')}${param ? ` in ${param}` : ''}`
    : `invalid value${param ? ` for '${param}'` : ''}: ${issue.message}`;
  throw new ApiError(400, 'invalid_request_error', message, param || null, issue.code === 'unrecognized_keys' ? 'unknown_parameter' : 'invalid_value');
}

/** Flattens message content (string or text parts) to a string. */
export function contentText(value: string | { type: 'text'; text: string }[]): string {
  return typeof value === 'string' ? value : value.map((part) => part.text).join('');
}

/**
 * @module platform/serve/openai-errors
 * Errors in the shape OpenAI's clients understand: `{ error: { message, type, param, code } }` with the HTTP
 * status the official SDK maps to its error classes (400 BadRequest, 401 Authentication, 404 NotFound,
 * 429 RateLimit, 5xx retried). Every failure the server knows about becomes an `ApiError`; anything else is a 500.
 */
import { SlingError } from '../../core/errors.ts';

export type ApiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error';

export interface OpenAiErrorBody {
  error: { message: string; type: ApiErrorType; param: string | null; code: string | null };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: ApiErrorType,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers, e.g. `retry-after` on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  body(): OpenAiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export const badRequest = (message: string, param: string | null = null, code: string | null = 'invalid_value') =>
  new ApiError(400, 'invalid_request_error', message, param, code);

export const unsupported = (param: string, message: string) =>
  new ApiError(400, 'invalid_request_error', message, param, 'unsupported_parameter');

export const notFound = (message: string, param: string | null = null, code: string | null = 'not_found') =>
  new ApiError(404, 'not_found_error', message, param, code);

/** SlingError codes whose fault is the caller's (bad input), mapped to 400; not-found codes to 404. */
const clientErrorCodes = /(^|_)(INVALID|BAD|UNSUPPORTED|SCHEMA|TOO_LONG|CONTEXT)/i;
const notFoundCodes = /NOT_FOUND|UNKNOWN/i;

/** Turns anything thrown while handling a request into an ApiError (never leaking stack traces). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (SlingError.isInstance(error)) {
    if (notFoundCodes.test(error.code)) return new ApiError(404, 'not_found_error', error.message, error.field ?? null, error.code);
    if (clientErrorCodes.test(error.code)) return badRequest(error.message, error.field ?? null, error.code);
    return new ApiError(500, 'server_error', error.message, null, error.code);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError(500, 'server_error', `internal error: ${message}`, null, 'internal_error');
}

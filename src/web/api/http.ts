/**
 * @module web/api/http
 * Small helpers shared by the dashboard's JSON routes: reading integer query parameters and 404s in the
 * same OpenAI-style error shape the rest of the server uses.
 */
import { ApiError, badRequest } from '../../platform/serve/openai-errors.ts';

export function integerParam(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw badRequest(`query parameter '${name}' must be an integer`, name);
  return parsed;
}

export function missing(what: string): ApiError {
  return new ApiError(404, 'not_found_error', `${what} not found`, null, 'not_found');
}

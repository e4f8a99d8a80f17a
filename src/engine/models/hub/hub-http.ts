/**
 * @module engine/models/hub/hub-http
 * fetch() against the Hub with the Bearer token, turning HTTP and network failures into SlingErrors that
 * say what to do (log in, check the name, go offline).
 */
import { SlingError } from '../../../core/errors.ts';

/** `manual` redirects keep the Hub's own answer to a HEAD (its X-Linked-* headers) instead of the CDN's. */
export async function hubFetch(url: string, token: string | undefined, headers: Record<string, string>, subject: string, method = 'GET', redirect: RequestRedirect = 'follow'): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { method, redirect, headers: { ...headers, ...(token ? { Authorization: `Bearer ${token}` } : {}), 'User-Agent': 'sling' } });
  } catch (error) {
    throw new SlingError('hub_unreachable', `cannot reach the Hugging Face Hub at ${new URL(url).origin}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`, { file: subject, cause: error, hint: 'check the network or HF_ENDPOINT, or use --offline / HF_HUB_OFFLINE=1 to use the local cache' });
  }
  if (response.ok || (redirect === 'manual' && response.status >= 300 && response.status < 400)) return response;
  await response.body?.cancel();
  if (response.status === 401 || response.status === 403) {
    throw new SlingError('hub_unauthorized', `the Hub refused access (HTTP ${response.status})`, { file: subject, hint: token ? 'the HF_TOKEN has no access to this repository (gated models need their licence accepted on the Hub)' : 'set HF_TOKEN to an access token for private or gated repositories' });
  }
  if (response.status === 404) {
    throw new SlingError('hub_not_found', 'not found on the Hub (HTTP 404)', { file: subject, hint: 'check the repository name and revision' });
  }
  throw new SlingError('hub_http_error', `the Hub answered HTTP ${response.status} ${response.statusText}`, { file: subject });
}

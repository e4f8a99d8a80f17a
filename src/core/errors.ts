/**
 * @module core/errors
 * One error base class for all of Sling. Every error carries a stable `code` (the HTTP layer maps codes to
 * statuses, the CLI prints message and hint), and its message names the file, row and field where that applies.
 */

export interface SlingErrorDetails {
  /** File the error is about, if any. */
  file?: string;
  /** 1-based line or row number within `file`. */
  line?: number;
  /** Field or key within the row. */
  field?: string;
  /** What the user can do about it. */
  hint?: string;
  cause?: unknown;
}

export class SlingError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  readonly field?: string;
  readonly hint?: string;
  private readonly slingMarker = true;

  constructor(code: string, message: string, details: SlingErrorDetails = {}) {
    super(formatMessage(message, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SlingError';
    this.code = code;
    this.file = details.file;
    this.line = details.line;
    this.field = details.field;
    this.hint = details.hint;
  }

  /** Works across module copies (e.g. worker threads), unlike instanceof. */
  static isInstance(value: unknown): value is SlingError {
    return typeof value === 'object' && value !== null && (value as { slingMarker?: unknown }).slingMarker === true;
  }
}

function formatMessage(message: string, details: SlingErrorDetails): string {
  const where = [
    details.file,
    details.line === undefined ? undefined : `line ${details.line}`,
    details.field === undefined ? undefined : `field "${details.field}"`,
  ]
    .filter((part) => part !== undefined)
    .join(', ');
  const hint = details.hint ? ` (hint: ${details.hint})` : '';
  return where ? `${where}: ${message}${hint}` : `${message}${hint}`;
}

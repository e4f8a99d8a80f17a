/** @module platform/store/columns — small conversions between column values and record fields. */

export function parseJson<T>(text: unknown): T {
  return JSON.parse(String(text)) as T;
}

export function parseJsonOrNull<T>(text: unknown): T | null {
  return text === null || text === undefined ? null : (JSON.parse(String(text)) as T);
}

export function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** Builds `(?, ?), (?, ?)` for a multi-row INSERT. */
export function valueGroups(rows: number, columns: number): string {
  const group = `(${new Array(columns).fill('?').join(', ')})`;
  return new Array(rows).fill(group).join(', ');
}

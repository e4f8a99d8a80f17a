/**
 * @module platform/sweeps/search-space
 * A sweep's search space: recipe keys by dotted name (`optimizer.learning_rate`, `lora.r`) mapped to a
 * distribution — `choice` (any JSON values, including lists such as target modules), `uniform`,
 * `loguniform` or `int` ranges. Samplers work on these definitions; `applyParameters` writes one trial's values
 * into a copy of the base recipe.
 */
import { SlingError } from '../../core/errors.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Distribution =
  | { kind: 'choice'; values: JsonValue[] }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'loguniform'; low: number; high: number }
  | { kind: 'int'; low: number; high: number; log?: boolean };

export type SearchSpace = Record<string, Distribution>;
export type TrialParameters = Record<string, JsonValue>;

const KINDS = ['choice', 'uniform', 'loguniform', 'int'] as const;

function invalid(field: string, message: string, file?: string): SlingError {
  return new SlingError('sweep_invalid_space', `search space "${field}": ${message}`, {
    file,
    field: `space.${field}`,
    hint: 'write e.g. `optimizer.learning_rate: { loguniform: [1e-5, 1e-2] }`, `lora.r: { choice: [4, 8] }`, `epochs: { int: [1, 3] }`',
  });
}

function range(field: string, value: unknown, file?: string): [number, number] {
  if (!Array.isArray(value) || value.length !== 2 || !value.every((item) => typeof item === 'number' && Number.isFinite(item))) {
    throw invalid(field, 'a range is a list of two numbers [low, high]', file);
  }
  const [low, high] = value as [number, number];
  if (!(low < high)) throw invalid(field, `low (${low}) must be below high (${high})`, file);
  return [low, high];
}

/** Reads the `space:` section of a sweep file: `{ key: { kind: args } }`. */
export function parseSearchSpace(raw: unknown, file?: string): SearchSpace {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
    throw new SlingError('sweep_invalid_space', 'the sweep needs a non-empty `space` mapping of recipe keys to distributions', { file, field: 'space' });
  }
  const space: SearchSpace = {};
  for (const [field, spec] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw invalid(field, 'expected a mapping such as { choice: [...] }', file);
    const keys = Object.keys(spec).filter((key) => key !== 'log');
    const kind = keys[0] as (typeof KINDS)[number];
    if (keys.length !== 1 || !KINDS.includes(kind)) throw invalid(field, `expected exactly one of ${KINDS.join(', ')}`, file);
    const value = (spec as Record<string, unknown>)[kind];
    if (kind === 'choice') {
      if (!Array.isArray(value) || value.length === 0) throw invalid(field, 'choice needs a non-empty list', file);
      space[field] = { kind, values: value as JsonValue[] };
      continue;
    }
    const [low, high] = range(field, value, file);
    if (kind === 'loguniform' && low <= 0) throw invalid(field, 'loguniform bounds must be positive', file);
    if (kind === 'int') {
      if (!Number.isInteger(low) || !Number.isInteger(high)) throw invalid(field, 'int bounds must be integers', file);
      const log = (spec as { log?: boolean }).log === true;
      if (log && low < 1) throw invalid(field, 'a log int range must start at 1 or more', file);
      space[field] = { kind, low, high, log };
    } else space[field] = { kind, low, high };
  }
  return space;
}

/** A copy of `base` with each dotted key set (intermediate objects are created as needed). */
export function applyParameters(base: Record<string, unknown>, parameters: TrialParameters): Record<string, unknown> {
  const result = structuredClone(base);
  for (const [dotted, value] of Object.entries(parameters)) {
    const parts = dotted.split('.');
    let node: Record<string, unknown> = result;
    for (const part of parts.slice(0, -1)) {
      const next = node[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]] = structuredClone(value);
  }
  return result;
}

/** Draws one value uniformly (in log space for log distributions) with `random()` in [0, 1). */
export function sampleDistribution(distribution: Distribution, random: () => number): JsonValue {
  switch (distribution.kind) {
    case 'choice':
      return distribution.values[Math.floor(random() * distribution.values.length)];
    case 'uniform':
      return distribution.low + random() * (distribution.high - distribution.low);
    case 'loguniform':
      return Math.exp(Math.log(distribution.low) + random() * (Math.log(distribution.high) - Math.log(distribution.low)));
    case 'int': {
      if (distribution.log) {
        // Log-uniform over [low, high + 1) then floored: each integer gets the mass of its log-width.
        const value = Math.exp(Math.log(distribution.low) + random() * (Math.log(distribution.high + 1) - Math.log(distribution.low)));
        return Math.min(distribution.high, Math.floor(value));
      }
      return distribution.low + Math.floor(random() * (distribution.high - distribution.low + 1));
    }
  }
}

/** Samplers must be reproducible from the sweep's seed. */
export { seededRandom } from '../../core/seeded-random.ts';

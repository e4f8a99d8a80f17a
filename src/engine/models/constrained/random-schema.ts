/**
 * @module engine/models/constrained/random-schema
 * Random JSON Schemas over the supported subset, for property tests of constrained decoding.
 */
import type { Random } from '../generate/seeded-random.ts';

const names = ['name', 'age', 'city', 'tags', 'score', 'ok', 'id', 'items', 'label', 'note', 'x', 'value'];

export function randomSchema(random: Random, depth = 2): Record<string, unknown> {
  const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)];
  const kind = depth <= 0 ? pick(['string', 'number', 'integer', 'boolean', 'null', 'enum']) : pick(['object', 'object', 'array', 'string', 'integer', 'number', 'boolean', 'enum', 'nullable', 'const']);
  switch (kind) {
    case 'object': {
      const count = 1 + Math.floor(random() * 4);
      const chosen = [...names].sort(() => random() - 0.5).slice(0, count);
      const properties = Object.fromEntries(chosen.map((name) => [name, randomSchema(random, depth - 1)]));
      const required = chosen.filter(() => random() < 0.6);
      return { type: 'object', properties, required, additionalProperties: false };
    }
    case 'array': {
      const schema: Record<string, unknown> = { type: 'array', items: randomSchema(random, depth - 1) };
      if (random() < 0.5) schema.minItems = Math.floor(random() * 2);
      if (random() < 0.5) schema.maxItems = 1 + Math.floor(random() * 4);
      return schema;
    }
    case 'string': {
      const schema: Record<string, unknown> = { type: 'string' };
      if (random() < 0.4) schema.maxLength = 1 + Math.floor(random() * 12);
      if (random() < 0.3) schema.minLength = Math.floor(random() * 2);
      return schema;
    }
    case 'enum': return { enum: pick([['red', 'green', 'blue'], [1, 2, 12], ['yes', 'no', null], [true, 'maybe']]) };
    case 'const': return { const: pick(['fixed', 42, { a: 1 }]) };
    case 'nullable': return { type: [pick(['string', 'integer', 'number', 'boolean']), 'null'] };
    default: return { type: kind };
  }
}

/**
 * @module engine/models/constrained/schema-nodes
 * Compiles a JSON Schema (the subset structured-output APIs use) into a small tree of grammar nodes that the
 * byte automaton walks. Every node has a bounded size (string, number, array and depth limits) so constrained
 * generation always terminates. Objects emit their properties in the schema's order (optional ones may be
 * skipped) and never add unknown keys; `json_object` mode is the `any` node restricted to objects.
 */
import { SlingError } from '../../../core/errors.ts';

export interface GrammarLimits {
  /** Longest string when the schema sets no maxLength (characters). */
  maxStringLength: number;
  /** Most items when the schema sets no maxItems. */
  maxItems: number;
  /** Nesting depth of free-form (`any`) values. */
  maxDepth: number;
}

export const defaultLimits: GrammarLimits = { maxStringLength: 128, maxItems: 16, maxDepth: 4 };

export interface PropertyNode { key: string; value: GrammarNode; required: boolean }

export type GrammarNode =
  | { id: number; kind: 'object'; properties: PropertyNode[] }
  | { id: number; kind: 'freeObject'; value: GrammarNode; maxKeys: number }
  | { id: number; kind: 'array'; items: GrammarNode; minItems: number; maxItems: number }
  | { id: number; kind: 'string'; minLength: number; maxLength: number }
  | { id: number; kind: 'number'; integer: boolean }
  /** Fixed JSON texts (enum, const, true/false/null), stored as byte strings (one char per byte). */
  | { id: number; kind: 'literal'; values: string[] }
  /** Alternatives told apart by their first byte. */
  | { id: number; kind: 'union'; options: GrammarNode[] };

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type NodeBody = Distribute<GrammarNode>;

/** JSON text as a byte string (each char one UTF-8 byte), the alphabet the automaton works on. */
export function toByteString(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

const annotationKeys = new Set(['title', 'description', '$schema', '$id', 'examples', 'default', 'additionalProperties', '$comment', 'strict']);
const supportedKeys = new Set(['type', 'properties', 'required', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'minItems', 'maxItems', 'minLength', 'maxLength', ...annotationKeys]);

export class SchemaCompiler {
  private nextId = 0;

  constructor(private readonly limits: GrammarLimits = defaultLimits) {}

  make(body: NodeBody): GrammarNode {
    return { ...body, id: this.nextId++ } as GrammarNode;
  }

  /** Any JSON value nested at most `depth` containers deep. */
  any(depth: number): GrammarNode {
    const scalars: GrammarNode[] = [
      this.make({ kind: 'string', minLength: 0, maxLength: this.limits.maxStringLength }),
      this.make({ kind: 'number', integer: false }),
      this.make({ kind: 'literal', values: ['true', 'false', 'null'] }),
    ];
    if (depth <= 0) return this.make({ kind: 'union', options: scalars });
    const inner = this.any(depth - 1);
    return this.make({
      kind: 'union',
      options: [
        this.make({ kind: 'freeObject', value: inner, maxKeys: this.limits.maxItems }),
        this.make({ kind: 'array', items: inner, minItems: 0, maxItems: this.limits.maxItems }),
        ...scalars,
      ],
    });
  }

  /** `json_object` mode: any object. */
  anyObject(): GrammarNode {
    return this.make({ kind: 'freeObject', value: this.any(this.limits.maxDepth - 1), maxKeys: this.limits.maxItems });
  }

  compile(schema: unknown, path = '$'): GrammarNode {
    if (schema === true || (isRecord(schema) && Object.keys(schema).every((key) => annotationKeys.has(key)))) return this.any(this.limits.maxDepth);
    if (!isRecord(schema)) throw unsupported(path, 'a schema must be an object');
    for (const key of Object.keys(schema)) {
      if (!supportedKeys.has(key)) throw unsupported(path, `the keyword "${key}" is not supported for constrained decoding`);
    }
    if ('const' in schema) return this.make({ kind: 'literal', values: [toByteString(JSON.stringify(schema.const))] });
    if (Array.isArray(schema.enum)) {
      if (schema.enum.length === 0) throw unsupported(path, 'enum must list at least one value');
      return this.make({ kind: 'literal', values: schema.enum.map((value) => toByteString(JSON.stringify(value))) });
    }
    const alternatives = (schema.anyOf ?? schema.oneOf) as unknown;
    if (Array.isArray(alternatives)) return this.union(alternatives.map((option, index) => this.compile(option, `${path}.anyOf[${index}]`)), path);
    if (Array.isArray(schema.type)) return this.union(schema.type.map((type) => this.compile({ ...schema, type }, path)), path);
    switch (schema.type) {
      case 'object': return this.object(schema, path);
      case 'array': {
        const minItems = integerOr(schema.minItems, 0, `${path}.minItems`);
        const maxItems = integerOr(schema.maxItems, Math.max(minItems, this.limits.maxItems), `${path}.maxItems`);
        return this.make({ kind: 'array', items: this.compile(schema.items ?? true, `${path}.items`), minItems, maxItems });
      }
      case 'string': {
        const minLength = integerOr(schema.minLength, 0, `${path}.minLength`);
        const maxLength = integerOr(schema.maxLength, Math.max(minLength, this.limits.maxStringLength), `${path}.maxLength`);
        return this.make({ kind: 'string', minLength, maxLength });
      }
      case 'number': return this.make({ kind: 'number', integer: false });
      case 'integer': return this.make({ kind: 'number', integer: true });
      case 'boolean': return this.make({ kind: 'literal', values: ['true', 'false'] });
      case 'null': return this.make({ kind: 'literal', values: ['null'] });
      case undefined: return this.any(this.limits.maxDepth);
      default: throw unsupported(`${path}.type`, `unknown type ${JSON.stringify(schema.type)}`);
    }
  }

  private object(schema: Record<string, unknown>, path: string): GrammarNode {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    for (const name of required) if (!(name in properties)) throw unsupported(`${path}.required`, `required property "${name}" has no schema in "properties"`);
    if (Object.keys(properties).length === 0) return this.make({ kind: 'freeObject', value: this.any(this.limits.maxDepth - 1), maxKeys: this.limits.maxItems });
    return this.make({
      kind: 'object',
      properties: Object.entries(properties).map(([name, value]) => ({
        key: toByteString(JSON.stringify(name).slice(1, -1)),
        value: this.compile(value, `${path}.properties.${name}`),
        required: required.has(name),
      })),
    });
  }

  /** Merges alternatives so that each first byte selects exactly one of them. */
  private union(options: GrammarNode[], path: string): GrammarNode {
    const flat = options.flatMap((option) => (option.kind === 'union' ? option.options : [option]));
    const literals = flat.filter((option) => option.kind === 'literal').flatMap((option) => option.kind === 'literal' ? option.values : []);
    const numbers = flat.filter((option) => option.kind === 'number');
    const others = flat.filter((option) => option.kind !== 'literal' && option.kind !== 'number');
    const merged: GrammarNode[] = [...others];
    if (numbers.length > 0) merged.push(this.make({ kind: 'number', integer: numbers.every((option) => option.kind === 'number' && option.integer) }));
    if (literals.length > 0) merged.push(this.make({ kind: 'literal', values: [...new Set(literals)] }));
    const seen = new Map<number, string>();
    for (const option of merged) {
      for (const byte of firstBytes(option)) {
        if (seen.has(byte)) throw unsupported(path, `alternatives ${seen.get(byte)} and ${option.kind} can start with the same character "${String.fromCharCode(byte)}"`);
        seen.set(byte, option.kind);
      }
    }
    return merged.length === 1 ? merged[0] : this.make({ kind: 'union', options: merged });
  }
}

export function firstBytes(node: GrammarNode): number[] {
  switch (node.kind) {
    case 'object': case 'freeObject': return [0x7b];
    case 'array': return [0x5b];
    case 'string': return [0x22];
    case 'number': return [0x2d, ...Array.from({ length: 10 }, (_, digit) => 0x30 + digit)];
    case 'literal': return [...new Set(node.values.map((value) => value.charCodeAt(0)))];
    case 'union': return node.options.flatMap(firstBytes);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integerOr(value: unknown, fallback: number, path: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < 0) throw unsupported(path, 'must be a whole number ≥ 0');
  return value as number;
}

function unsupported(path: string, message: string): SlingError {
  return new SlingError('schema_unsupported', `${path}: ${message}`, {
    field: path,
    hint: 'constrained decoding supports type (object/array/string/number/integer/boolean/null), properties, required, items, enum, const, anyOf, minItems/maxItems, minLength/maxLength',
  });
}

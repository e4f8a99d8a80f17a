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
  /**
   * Longest run of JSON whitespace allowed between tokens (after `{ [ , :` and before `} ] , :`); 0 = compact
   * output, the default, which spends no tokens on layout.
   */
  maxWhitespace: number;
}

export const defaultLimits: GrammarLimits = { maxStringLength: 128, maxItems: 16, maxDepth: 4, maxWhitespace: 0 };

/** Whitespace runs allowed when a caller asks for 'flexible' layout (room for a newline and indentation). */
export const flexibleWhitespace = 16;

export interface PropertyNode { key: string; value: GrammarNode; required: boolean }

export type GrammarNode =
  /** `space`: the longest whitespace run allowed between this container's tokens. */
  | { id: number; kind: 'object'; properties: PropertyNode[]; space: number }
  | { id: number; kind: 'freeObject'; value: GrammarNode; maxKeys: number; space: number }
  | { id: number; kind: 'array'; items: GrammarNode; minItems: number; maxItems: number; space: number }
  | { id: number; kind: 'string'; minLength: number; maxLength: number }
  | { id: number; kind: 'number'; integer: boolean }
  /**
   * Fixed JSON texts (enum, const, true/false/null), stored compact as byte strings (one char per byte);
   * `space` as for containers, between the tokens of an object or array value.
   */
  | { id: number; kind: 'literal'; values: string[]; space: number }
  /** Alternatives told apart by their first byte. */
  | { id: number; kind: 'union'; options: GrammarNode[] };

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;
type NodeBody = Distribute<GrammarNode>;

/** JSON text as a byte string (each char one UTF-8 byte), the alphabet the automaton works on. */
export function toByteString(text: string): string {
  return String.fromCharCode(...new TextEncoder().encode(text));
}

/**
 * Keywords that do not restrict the generated text by themselves. additionalProperties is among them because
 * an object with listed properties is written with those only, which satisfies `false` and any schema; an
 * object without listed properties reads it in object().
 */
const annotationKeys = new Set(['title', 'description', '$schema', '$id', 'examples', 'default', 'additionalProperties', '$comment', 'strict', '$defs', 'definitions']);
const supportedKeys = new Set(['type', 'properties', 'required', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'nullable', '$ref', 'minItems', 'maxItems', 'minLength', 'maxLength', ...annotationKeys]);
const supportedList = 'type (object/array/string/number/integer/boolean/null, or a list), properties, required, additionalProperties, items, enum, const, anyOf, oneOf, nullable, $ref to #/$defs or #/definitions, minItems/maxItems, minLength/maxLength';

export class SchemaCompiler {
  private nextId = 0;
  private root: unknown;
  /** $ref targets being expanded, to refuse recursive schemas (their output could not be bounded). */
  private readonly expanding = new Set<string>();

  constructor(private readonly limits: GrammarLimits = defaultLimits) {}

  make(body: NodeBody): GrammarNode {
    return { ...body, id: this.nextId++ } as GrammarNode;
  }

  literal(values: string[]): GrammarNode {
    return this.make({ kind: 'literal', values, space: this.limits.maxWhitespace });
  }

  /** Any JSON value nested at most `depth` containers deep. */
  any(depth: number): GrammarNode {
    const scalars: GrammarNode[] = [
      this.make({ kind: 'string', minLength: 0, maxLength: this.limits.maxStringLength }),
      this.make({ kind: 'number', integer: false }),
      this.literal(['true', 'false', 'null']),
    ];
    if (depth <= 0) return this.make({ kind: 'union', options: scalars });
    const inner = this.any(depth - 1);
    return this.make({
      kind: 'union',
      options: [
        this.make({ kind: 'freeObject', value: inner, maxKeys: this.limits.maxItems, space: this.limits.maxWhitespace }),
        this.make({ kind: 'array', items: inner, minItems: 0, maxItems: this.limits.maxItems, space: this.limits.maxWhitespace }),
        ...scalars,
      ],
    });
  }

  /** `json_object` mode: any object. */
  anyObject(): GrammarNode {
    return this.make({ kind: 'freeObject', value: this.any(this.limits.maxDepth - 1), maxKeys: this.limits.maxItems, space: this.limits.maxWhitespace });
  }

  compile(schema: unknown, path = '$'): GrammarNode {
    if (path === '$') this.root = schema;
    if (schema === true || (isRecord(schema) && Object.keys(schema).every((key) => annotationKeys.has(key)))) return this.any(this.limits.maxDepth);
    if (!isRecord(schema)) throw unsupported(path, 'a schema must be an object');
    for (const key of Object.keys(schema)) {
      if (!supportedKeys.has(key)) throw unsupported(path, `the keyword "${key}" is not supported for constrained decoding`);
    }
    if (typeof schema.$ref === 'string') return this.reference(schema, path);
    if (schema.nullable === true) {
      const { nullable: _, ...rest } = schema;
      return this.union([this.compile(rest, path), this.literal(['null'])], path, false);
    }
    if ('const' in schema) return this.literal([toByteString(JSON.stringify(schema.const))]);
    if (Array.isArray(schema.enum)) {
      if (schema.enum.length === 0) throw unsupported(path, 'enum must list at least one value');
      return this.literal(schema.enum.map((value) => toByteString(JSON.stringify(value))));
    }
    const keyword = Array.isArray(schema.oneOf) ? 'oneOf' : 'anyOf';
    const alternatives = schema[keyword];
    if (Array.isArray(alternatives)) {
      if (alternatives.length === 0) throw unsupported(`${path}.${keyword}`, `${keyword} must list at least one schema`);
      const { [keyword]: _, ...rest } = schema;
      // Sibling keywords apply to every alternative, e.g. { type: 'string', anyOf: [{ maxLength: 3 }, ...] }.
      const options = alternatives.map((option, index) => {
        const optionPath = `${path}.${keyword}[${index}]`;
        return this.compile(withSiblings(rest, option, keyword, optionPath), optionPath);
      });
      return this.union(options, path, keyword === 'oneOf');
    }
    if (Array.isArray(schema.type)) return this.union(schema.type.map((type) => this.compile({ ...schema, type }, path)), path, false);
    switch (schema.type) {
      case 'object': return this.object(schema, path);
      case 'array': {
        const minItems = integerOr(schema.minItems, 0, `${path}.minItems`);
        const maxItems = integerOr(schema.maxItems, Math.max(minItems, this.limits.maxItems), `${path}.maxItems`);
        return this.make({ kind: 'array', items: this.compile(schema.items ?? true, `${path}.items`), minItems, maxItems, space: this.limits.maxWhitespace });
      }
      case 'string': {
        const minLength = integerOr(schema.minLength, 0, `${path}.minLength`);
        const maxLength = integerOr(schema.maxLength, Math.max(minLength, this.limits.maxStringLength), `${path}.maxLength`);
        return this.make({ kind: 'string', minLength, maxLength });
      }
      case 'number': return this.make({ kind: 'number', integer: false });
      case 'integer': return this.make({ kind: 'number', integer: true });
      case 'boolean': return this.literal(['true', 'false']);
      case 'null': return this.literal(['null']);
      case undefined: {
        // Without a type, keywords such as maxLength only bind values of their type: writing that type honours them.
        const implied = ['properties', 'required'].some((key) => key in schema) ? 'object' : ['items', 'minItems', 'maxItems'].some((key) => key in schema) ? 'array' : ['minLength', 'maxLength'].some((key) => key in schema) ? 'string' : undefined;
        return implied ? this.compile({ ...schema, type: implied }, path) : this.any(this.limits.maxDepth);
      }
      default: throw unsupported(`${path}.type`, `unknown type ${JSON.stringify(schema.type)}`);
    }
  }

  private object(schema: Record<string, unknown>, path: string): GrammarNode {
    const properties = isRecord(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
    for (const name of required) if (!(name in properties)) throw unsupported(`${path}.required`, `required property "${name}" has no schema in "properties"`);
    if (Object.keys(properties).length === 0) {
      // Every key is then an additional property, so additionalProperties decides the values (false: none).
      if (schema.additionalProperties === false) return this.make({ kind: 'object', properties: [], space: this.limits.maxWhitespace });
      const value = isRecord(schema.additionalProperties) ? this.compile(schema.additionalProperties, `${path}.additionalProperties`) : this.any(this.limits.maxDepth - 1);
      return this.make({ kind: 'freeObject', value, maxKeys: this.limits.maxItems, space: this.limits.maxWhitespace });
    }
    return this.make({
      kind: 'object',
      space: this.limits.maxWhitespace,
      properties: Object.entries(properties).map(([name, value]) => ({
        key: toByteString(JSON.stringify(name).slice(1, -1)),
        value: this.compile(value, `${path}.properties.${name}`),
        required: required.has(name),
      })),
    });
  }

  /** Local references (`#/$defs/Name`, `#/definitions/Name`, any JSON pointer into the root schema), expanded in place. */
  private reference(schema: Record<string, unknown>, path: string): GrammarNode {
    const reference = schema.$ref as string;
    if (!reference.startsWith('#')) throw unsupported(`${path}.$ref`, `only local references ("#/$defs/...") are supported, got "${reference}"`);
    if (this.expanding.has(reference)) throw unsupported(`${path}.$ref`, `recursive reference "${reference}" cannot be bounded for constrained decoding`);
    let target: unknown = this.root;
    for (const part of reference.slice(1).split('/').filter(Boolean)) {
      const key = decodeURIComponent(part).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isRecord(target) ? target[key] : undefined;
    }
    if (target === undefined) throw unsupported(`${path}.$ref`, `reference "${reference}" points at nothing in the schema`);
    const { $ref: _, ...siblings } = schema;
    const targetPath = `${path}.$ref(${reference})`;
    this.expanding.add(reference);
    try {
      return this.compile(withSiblings(siblings, target, '$ref', targetPath), targetPath);
    } finally {
      this.expanding.delete(reference);
    }
  }

  /**
   * Merges alternatives so that each first byte selects exactly one of them. For oneOf (`exclusive`) a value
   * must match exactly one alternative, so overlapping numbers or repeated literals are refused.
   */
  private union(options: GrammarNode[], path: string, exclusive: boolean): GrammarNode {
    const flat = options.flatMap((option) => (option.kind === 'union' ? option.options : [option]));
    const literals = flat.filter((option) => option.kind === 'literal').flatMap((option) => option.kind === 'literal' ? option.values : []);
    const numbers = flat.filter((option) => option.kind === 'number');
    if (exclusive && numbers.length > 1) throw unsupported(path, 'oneOf alternatives number and integer overlap (every integer matches both); use anyOf');
    if (exclusive && new Set(literals).size < literals.length) throw unsupported(path, 'oneOf alternatives share a value; use anyOf');
    const others = flat.filter((option) => option.kind !== 'literal' && option.kind !== 'number');
    const merged: GrammarNode[] = [...others];
    if (numbers.length > 0) merged.push(this.make({ kind: 'number', integer: numbers.every((option) => option.kind === 'number' && option.integer) }));
    if (literals.length > 0) merged.push(this.literal([...new Set(literals)]));
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

/** Keywords that only describe: where a sibling and an alternative both set one, either may win. */
const descriptionKeys = new Set(['title', 'description', '$comment', 'examples', 'default', '$schema', '$id', 'strict']);

/**
 * A schema with the keywords beside an anyOf/oneOf/$ref, which bind it too. Only merges that stay exact are
 * made (new keywords, equal values, the union of `required`); anything that would need the intersection of
 * two schemas is refused rather than approximated, since an approximation could write invalid output.
 */
function withSiblings(siblings: Record<string, unknown>, option: unknown, keyword: string, path: string): unknown {
  if (Object.keys(siblings).length === 0) return option;
  if (option === true) return siblings;
  if (!isRecord(option)) return option;
  const merged: Record<string, unknown> = { ...siblings };
  for (const [key, value] of Object.entries(option)) {
    if (!(key in siblings) || descriptionKeys.has(key) || JSON.stringify(siblings[key]) === JSON.stringify(value)) merged[key] = value;
    else if (key === 'required' && Array.isArray(value) && Array.isArray(siblings.required)) merged.required = [...new Set([...siblings.required, ...value])];
    else throw unsupported(path, `"${key}" is set both beside ${keyword} and in the schema it names, with different values; write that schema in full instead`);
  }
  // additionalProperties only counts the properties listed next to it as its own.
  const closed = (schema: Record<string, unknown>) => schema.additionalProperties !== undefined && schema.additionalProperties !== true;
  const sameProperties = JSON.stringify(siblings.properties) === JSON.stringify(option.properties);
  if (!sameProperties && ((closed(siblings) && 'properties' in option) || (closed(option) && 'properties' in siblings))) {
    throw unsupported(path, `additionalProperties and properties are split between ${keyword} and the keywords beside it; write that schema in full instead`);
  }
  return merged;
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
    hint: `constrained decoding supports ${supportedList}`,
  });
}

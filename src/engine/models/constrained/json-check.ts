/**
 * @module engine/models/constrained/json-check
 * A small JSON Schema checker for the subset constrained decoding supports, written independently of the
 * automaton so tests (and callers who want a second opinion) can verify outputs. Returns the problems found.
 */

export function schemaProblems(value: unknown, schema: unknown, path = '$'): string[] {
  if (schema === true || typeof schema !== 'object' || schema === null) return [];
  const rules = schema as Record<string, unknown>;
  if ('const' in rules) return JSON.stringify(value) === JSON.stringify(rules.const) ? [] : [`${path}: expected const ${JSON.stringify(rules.const)}`];
  if (Array.isArray(rules.enum)) {
    return rules.enum.some((option) => JSON.stringify(option) === JSON.stringify(value)) ? [] : [`${path}: ${JSON.stringify(value)} is not in the enum`];
  }
  const alternatives = (rules.anyOf ?? rules.oneOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) {
    return alternatives.some((option) => schemaProblems(value, option, path).length === 0) ? [] : [`${path}: matches no alternative`];
  }
  if (Array.isArray(rules.type)) {
    return rules.type.some((type) => schemaProblems(value, { ...rules, type }, path).length === 0) ? [] : [`${path}: matches none of the types ${rules.type.join(', ')}`];
  }
  switch (rules.type) {
    case undefined: return [];
    case 'null': return value === null ? [] : [`${path}: expected null`];
    case 'boolean': return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'number': return typeof value === 'number' && Number.isFinite(value) ? [] : [`${path}: expected a number`];
    case 'integer': return Number.isInteger(value) ? [] : [`${path}: expected an integer`];
    case 'string': {
      if (typeof value !== 'string') return [`${path}: expected a string`];
      const length = Array.from(value).length;
      if (typeof rules.minLength === 'number' && length < rules.minLength) return [`${path}: shorter than ${rules.minLength}`];
      if (typeof rules.maxLength === 'number' && length > rules.maxLength) return [`${path}: longer than ${rules.maxLength}`];
      return [];
    }
    case 'array': {
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      const problems: string[] = [];
      if (typeof rules.minItems === 'number' && value.length < rules.minItems) problems.push(`${path}: fewer than ${rules.minItems} items`);
      if (typeof rules.maxItems === 'number' && value.length > rules.maxItems) problems.push(`${path}: more than ${rules.maxItems} items`);
      value.forEach((item, index) => problems.push(...schemaProblems(item, rules.items ?? true, `${path}[${index}]`)));
      return problems;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
      const record = value as Record<string, unknown>;
      const properties = (rules.properties ?? {}) as Record<string, unknown>;
      const problems: string[] = [];
      for (const name of (rules.required ?? []) as string[]) if (!(name in record)) problems.push(`${path}: missing required "${name}"`);
      for (const [name, item] of Object.entries(record)) {
        if (name in properties) problems.push(...schemaProblems(item, properties[name], `${path}.${name}`));
        else if (rules.additionalProperties === false) problems.push(`${path}: unexpected property "${name}"`);
      }
      return problems;
    }
    default: return [`${path}: unknown type ${String(rules.type)}`];
  }
}

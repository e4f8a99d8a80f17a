/**
 * @module engine/models/constrained/json-frames
 * The frames of the byte-level pushdown automaton for JSON: one immutable frame per open value (object, array,
 * string, number, literal). A frame's `step(byte)` says whether it consumes the byte, opens a child value,
 * completes, or completes without consuming (a number ends at the byte after it). `completion()` is the
 * shortest byte string that closes the frame, used to force a valid ending when the token budget runs out;
 * `key(clamp)` names the frame for the token-mask cache with counters clamped (a token of at most `clamp`
 * bytes cannot tell apart "clamp left" from "more left"). Layout whitespace ('flexible' mode) is a SpaceFrame
 * over a container between its tokens, or a run counter inside a literal; it never changes a completion.
 */
import type { GrammarNode, PropertyNode } from './schema-nodes.ts';

export type StepResult =
  | { kind: 'reject' }
  | { kind: 'replace'; frame: Frame }
  /** The parent becomes `parent`; the byte is then fed to the new `child`. */
  | { kind: 'push'; parent: Frame; child: Frame }
  | { kind: 'complete' }
  | { kind: 'completeRetry' };

export interface Frame {
  step(byte: number): StepResult;
  /** The parent after its active child value completed. */
  afterChild(): Frame;
  /** True when the value is complete without another byte (numbers, literals at top level). */
  canEnd(): boolean;
  completion(): string;
  key(clamp: number): string;
  /** Longest whitespace run allowed here before the next byte (0: none), between a container's tokens. */
  space(): number;
}

const reject: StepResult = { kind: 'reject' };
const complete: StepResult = { kind: 'complete' };
const completeRetry: StepResult = { kind: 'completeRetry' };
const replace = (frame: Frame): StepResult => ({ kind: 'replace', frame });
const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x09 || byte === 0x0d;

// *** frames by node kind, shortest values ***

export function frameFor(node: GrammarNode): Frame {
  switch (node.kind) {
    case 'object': return new ObjectFrame(node.id, node.properties, node.space, 'open', 0, false, '', -1);
    case 'freeObject': return new FreeObjectFrame(node.id, node.value, node.maxKeys, node.space, 'open', 0);
    case 'array': return new ArrayFrame(node.id, node.items, node.minItems, node.maxItems, node.space, 'open', 0);
    case 'string': return new StringFrame(node.minLength, node.maxLength, 'open', 0, 0, 0x80, 0xbf);
    case 'number': return new NumberFrame(node.integer, 'start', 0);
    case 'literal': return new LiteralFrame(node.id, node.values, node.space, '', 0);
    case 'union': return new UnionFrame(node);
  }
}

/** Shortest JSON text for a node (memoised per node). */
const minimalCache = new WeakMap<GrammarNode, string>();
export function minimalValue(node: GrammarNode): string {
  const cached = minimalCache.get(node);
  if (cached !== undefined) return cached;
  let text: string;
  switch (node.kind) {
    case 'object': text = `{${requiredTail(node.properties, 0, false)}}`; break;
    case 'freeObject': text = '{}'; break;
    case 'array': text = `[${Array.from({ length: node.minItems }, () => minimalValue(node.items)).join(',')}]`; break;
    case 'string': text = `"${'a'.repeat(node.minLength)}"`; break;
    case 'number': text = '0'; break;
    case 'literal': text = node.values.reduce((best, value) => (value.length < best.length ? value : best)); break;
    case 'union': text = node.options.map(minimalValue).reduce((best, value) => (value.length < best.length ? value : best)); break;
  }
  minimalCache.set(node, text);
  return text;
}

/** `"key":value` for each required property from `start`, joined by commas (leading comma if `comma`). */
function requiredTail(properties: PropertyNode[], start: number, comma: boolean): string {
  const parts = properties.slice(start).filter((property) => property.required).map((property) => `"${property.key}":${minimalValue(property.value)}`);
  return parts.length === 0 ? '' : (comma ? ',' : '') + parts.join(',');
}

// *** objects with known properties ***

class ObjectFrame implements Frame {
  constructor(
    readonly id: number,
    readonly properties: PropertyNode[],
    readonly whitespace: number,
    readonly phase: 'open' | 'keyOrEnd' | 'key' | 'colon' | 'value' | 'afterValue',
    /** First property that may still appear. */
    readonly next: number,
    readonly afterComma: boolean,
    /** Key bytes typed so far (phase 'key'). */
    readonly keyPrefix: string,
    /** Property whose value is being written or was just written. */
    readonly chosen: number,
  ) {}

  private with(phase: ObjectFrame['phase'], next = this.next, afterComma = this.afterComma, keyPrefix = '', chosen = this.chosen): ObjectFrame {
    return new ObjectFrame(this.id, this.properties, this.whitespace, phase, next, afterComma, keyPrefix, chosen);
  }

  space(): number {
    return this.phase === 'open' || this.phase === 'key' ? 0 : this.whitespace;
  }

  /** Properties that may come next: from `next` up to and including the first required one. */
  private candidates(): number[] {
    const result: number[] = [];
    for (let index = this.next; index < this.properties.length; index++) {
      result.push(index);
      if (this.properties[index].required) break;
    }
    return result;
  }

  private requiredFrom(index: number): boolean {
    return this.properties.slice(index).some((property) => property.required);
  }

  step(byte: number): StepResult {
    switch (this.phase) {
      case 'open': return byte === 0x7b ? replace(this.with('keyOrEnd', 0, false)) : reject;
      case 'keyOrEnd':
        if (byte === 0x22 && this.next < this.properties.length) return replace(this.with('key'));
        return byte === 0x7d && !this.afterComma && !this.requiredFrom(this.next) ? complete : reject;
      case 'key': {
        const typed = this.keyPrefix + String.fromCharCode(byte);
        const candidates = this.candidates();
        if (byte === 0x22) {
          const match = candidates.find((index) => this.properties[index].key === this.keyPrefix);
          return match === undefined ? reject : replace(this.with('colon', this.next, false, '', match));
        }
        return candidates.some((index) => this.properties[index].key.startsWith(typed)) ? replace(this.with('key', this.next, false, typed)) : reject;
      }
      case 'colon': return byte === 0x3a ? replace(this.with('value')) : reject;
      case 'value': return { kind: 'push', parent: this, child: frameFor(this.properties[this.chosen].value) };
      case 'afterValue':
        if (byte === 0x2c && this.chosen + 1 < this.properties.length) return replace(this.with('keyOrEnd', this.chosen + 1, true));
        return byte === 0x7d && !this.requiredFrom(this.chosen + 1) ? complete : reject;
    }
  }

  afterChild(): Frame {
    return this.with('afterValue');
  }

  canEnd(): boolean {
    return false;
  }

  completion(): string {
    switch (this.phase) {
      case 'open': return minimalValue({ id: this.id, kind: 'object', properties: this.properties, space: this.whitespace });
      case 'keyOrEnd': {
        if (!this.afterComma) return `${requiredTail(this.properties, this.next, false)}}`;
        return `"${this.shortestKeyCompletion('')}`;
      }
      case 'key': return this.shortestKeyCompletion(this.keyPrefix);
      case 'colon': case 'value': {
        const property = this.properties[this.chosen];
        return `${this.phase === 'colon' ? ':' : ''}${minimalValue(property.value)}${requiredTail(this.properties, this.chosen + 1, true)}}`;
      }
      case 'afterValue': return `${requiredTail(this.properties, this.chosen + 1, true)}}`;
    }
  }

  /** The rest of the object after `"` + `typed`, through the candidate key that closes it soonest. */
  private shortestKeyCompletion(typed: string): string {
    let best: string | undefined;
    for (const index of this.candidates()) {
      const property = this.properties[index];
      if (!property.key.startsWith(typed)) continue;
      const text = `${property.key.slice(typed.length)}":${minimalValue(property.value)}${requiredTail(this.properties, index + 1, true)}}`;
      if (best === undefined || text.length < best.length) best = text;
    }
    return best!;
  }

  key(): string {
    return `o${this.id}:${this.phase}:${this.next}:${this.afterComma ? 1 : 0}:${this.chosen}:${this.keyPrefix}`;
  }
}

// *** free-form objects (json_object mode, untyped values) ***

class FreeObjectFrame implements Frame {
  constructor(
    readonly id: number,
    readonly value: GrammarNode,
    readonly maxKeys: number,
    readonly whitespace: number,
    readonly phase: 'open' | 'keyOrEnd' | 'needKey' | 'key' | 'colon' | 'value' | 'afterValue',
    readonly count: number,
  ) {}

  private with(phase: FreeObjectFrame['phase'], count = this.count): FreeObjectFrame {
    return new FreeObjectFrame(this.id, this.value, this.maxKeys, this.whitespace, phase, count);
  }

  space(): number {
    return this.phase === 'open' || this.phase === 'key' ? 0 : this.whitespace;
  }

  step(byte: number): StepResult {
    switch (this.phase) {
      case 'open': return byte === 0x7b ? replace(this.with('keyOrEnd')) : reject;
      case 'keyOrEnd':
        if (byte === 0x7d) return complete;
        return byte === 0x22 && this.maxKeys > 0 ? { kind: 'push', parent: this.with('key'), child: new StringFrame(0, 32, 'open', 0, 0, 0x80, 0xbf) } : reject;
      case 'needKey': return byte === 0x22 ? { kind: 'push', parent: this.with('key'), child: new StringFrame(0, 32, 'open', 0, 0, 0x80, 0xbf) } : reject;
      case 'key': return reject;
      case 'colon': return byte === 0x3a ? replace(this.with('value')) : reject;
      case 'value': return { kind: 'push', parent: this, child: frameFor(this.value) };
      case 'afterValue':
        if (byte === 0x7d) return complete;
        return byte === 0x2c && this.count < this.maxKeys ? replace(this.with('needKey')) : reject;
    }
  }

  afterChild(): Frame {
    return this.phase === 'key' ? this.with('colon') : this.with('afterValue', this.count + 1);
  }

  canEnd(): boolean {
    return false;
  }

  completion(): string {
    switch (this.phase) {
      case 'open': return '{}';
      case 'keyOrEnd': case 'afterValue': return '}';
      case 'needKey': return `"":${minimalValue(this.value)}}`;
      case 'key': case 'colon': return `:${minimalValue(this.value)}}`;
      case 'value': return `${minimalValue(this.value)}}`;
    }
  }

  key(clamp: number): string {
    return `f${this.id}:${this.phase}:${Math.min(this.maxKeys - this.count, clamp)}`;
  }
}

// *** arrays ***

class ArrayFrame implements Frame {
  constructor(
    readonly id: number,
    readonly items: GrammarNode,
    readonly minItems: number,
    readonly maxItems: number,
    readonly whitespace: number,
    readonly phase: 'open' | 'firstOrEnd' | 'needItem' | 'item' | 'afterItem',
    readonly count: number,
  ) {}

  private with(phase: ArrayFrame['phase'], count = this.count): ArrayFrame {
    return new ArrayFrame(this.id, this.items, this.minItems, this.maxItems, this.whitespace, phase, count);
  }

  space(): number {
    return this.phase === 'open' || this.phase === 'item' ? 0 : this.whitespace;
  }

  step(byte: number): StepResult {
    switch (this.phase) {
      case 'open': return byte === 0x5b ? replace(this.with('firstOrEnd')) : reject;
      case 'firstOrEnd':
        if (byte === 0x5d) return this.minItems === 0 ? complete : reject;
        return this.maxItems > 0 ? { kind: 'push', parent: this.with('item'), child: frameFor(this.items) } : reject;
      case 'needItem': return { kind: 'push', parent: this.with('item'), child: frameFor(this.items) };
      case 'item': return reject;
      case 'afterItem':
        if (byte === 0x5d) return this.count >= this.minItems ? complete : reject;
        return byte === 0x2c && this.count < this.maxItems ? replace(this.with('needItem')) : reject;
    }
  }

  afterChild(): Frame {
    return this.with('afterItem', this.count + 1);
  }

  canEnd(): boolean {
    return false;
  }

  completion(): string {
    const item = minimalValue(this.items);
    const missing = Math.max(0, this.minItems - this.count);
    switch (this.phase) {
      case 'open': return `[${Array.from({ length: this.minItems }, () => item).join(',')}]`;
      case 'firstOrEnd': return `${Array.from({ length: this.minItems }, () => item).join(',')}]`;
      case 'needItem': return `${[item, ...Array.from({ length: Math.max(0, missing - 1) }, () => item)].join(',')}]`;
      case 'item': case 'afterItem': return `${Array.from({ length: missing }, () => ',' + item).join('')}]`;
    }
  }

  key(clamp: number): string {
    return `a${this.id}:${this.phase}:${Math.min(this.maxItems - this.count, clamp)}:${Math.min(Math.max(0, this.minItems - this.count), clamp)}`;
  }
}

// *** strings (UTF-8 checked byte by byte) ***

class StringFrame implements Frame {
  constructor(
    readonly minLength: number,
    readonly maxLength: number,
    readonly phase: 'open' | 'body' | 'escape',
    /** Characters written so far. */
    readonly length: number,
    /** Continuation bytes still owed by the current UTF-8 character, and the range allowed for the next one. */
    readonly utf8Need: number,
    readonly utf8Low: number,
    readonly utf8High: number,
  ) {}

  private with(phase: StringFrame['phase'], length: number, utf8Need = 0, utf8Low = 0x80, utf8High = 0xbf): StringFrame {
    return new StringFrame(this.minLength, this.maxLength, phase, length, utf8Need, utf8Low, utf8High);
  }

  step(byte: number): StepResult {
    if (this.phase === 'open') return byte === 0x22 ? replace(this.with('body', 0)) : reject;
    if (this.phase === 'escape') return '"\\/bfnrt'.includes(String.fromCharCode(byte)) ? replace(this.with('body', this.length)) : reject;
    if (this.utf8Need > 0) {
      return byte >= this.utf8Low && byte <= this.utf8High ? replace(this.with('body', this.length, this.utf8Need - 1)) : reject;
    }
    if (byte === 0x22) return this.length >= this.minLength ? complete : reject;
    if (this.length >= this.maxLength || byte < 0x20) return reject;
    if (byte === 0x5c) return replace(this.with('escape', this.length + 1));
    if (byte < 0x80) return replace(this.with('body', this.length + 1));
    // UTF-8 lead bytes with the exact range of their first continuation byte (no overlongs, no surrogates).
    if (byte >= 0xc2 && byte <= 0xdf) return replace(this.with('body', this.length + 1, 1));
    if (byte >= 0xe0 && byte <= 0xef) return replace(this.with('body', this.length + 1, 2, byte === 0xe0 ? 0xa0 : 0x80, byte === 0xed ? 0x9f : 0xbf));
    if (byte >= 0xf0 && byte <= 0xf4) return replace(this.with('body', this.length + 1, 3, byte === 0xf0 ? 0x90 : 0x80, byte === 0xf4 ? 0x8f : 0xbf));
    return reject;
  }

  space(): number {
    return 0;
  }

  afterChild(): Frame {
    return this;
  }

  canEnd(): boolean {
    return false;
  }

  completion(): string {
    if (this.phase === 'open') return `"${'a'.repeat(this.minLength)}"`;
    const character = this.phase === 'escape' ? 'n' : this.utf8Need > 0 ? String.fromCharCode(this.utf8Low) + '\x80'.repeat(this.utf8Need - 1) : '';
    return `${character}${'a'.repeat(Math.max(0, this.minLength - this.length))}"`;
  }

  key(clamp: number): string {
    const room = Math.min(this.maxLength - this.length, clamp);
    const owed = Math.min(Math.max(0, this.minLength - this.length), clamp);
    return `s:${this.phase}:${room}:${owed}:${this.utf8Need}:${this.utf8Low}:${this.utf8High}`;
  }
}

// *** numbers ***

class NumberFrame implements Frame {
  /** Bounds that keep numbers finite in length (and exactly representable as doubles). */
  static readonly maxIntegerDigits = 12;
  static readonly maxFractionDigits = 6;

  constructor(
    readonly integer: boolean,
    readonly phase: 'start' | 'minus' | 'zero' | 'int' | 'dot' | 'frac',
    readonly digits: number,
  ) {}

  step(byte: number): StepResult {
    const next = (phase: NumberFrame['phase'], digits: number) => replace(new NumberFrame(this.integer, phase, digits));
    switch (this.phase) {
      case 'start': case 'minus':
        if (byte === 0x2d && this.phase === 'start') return next('minus', 0);
        if (byte === 0x30) return next('zero', 1);
        return isDigit(byte) ? next('int', 1) : reject;
      case 'zero': case 'int':
        if (isDigit(byte)) return this.phase === 'int' && this.digits < NumberFrame.maxIntegerDigits ? next('int', this.digits + 1) : reject;
        if (byte === 0x2e && !this.integer) return next('dot', 0);
        return completeRetry;
      case 'dot': return isDigit(byte) ? next('frac', 1) : reject;
      case 'frac':
        if (isDigit(byte)) return this.digits < NumberFrame.maxFractionDigits ? next('frac', this.digits + 1) : reject;
        return completeRetry;
    }
  }

  space(): number {
    return 0;
  }

  afterChild(): Frame {
    return this;
  }

  canEnd(): boolean {
    return this.phase === 'zero' || this.phase === 'int' || this.phase === 'frac';
  }

  completion(): string {
    return this.canEnd() ? '' : '0';
  }

  key(clamp: number): string {
    const room = (this.phase === 'frac' || this.phase === 'dot' ? NumberFrame.maxFractionDigits : NumberFrame.maxIntegerDigits) - this.digits;
    return `n:${this.integer ? 1 : 0}:${this.phase}:${Math.min(room, clamp)}`;
  }

}

// *** literals: enum, const, true / false / null ***

class LiteralFrame implements Frame {
  constructor(
    readonly id: number,
    /** Compact JSON texts; whitespace typed between their tokens is not part of `prefix`. */
    readonly values: string[],
    readonly whitespace: number,
    readonly prefix: string,
    /** Whitespace bytes typed since the last byte of `prefix`. */
    readonly run: number,
  ) {}

  private with(prefix: string, run: number): LiteralFrame {
    return new LiteralFrame(this.id, this.values, this.whitespace, prefix, run);
  }

  step(byte: number): StepResult {
    if (isSpace(byte) && this.run < this.whitespace && this.layoutHere()) return replace(this.with(this.prefix, this.run + 1));
    const typed = this.prefix + String.fromCharCode(byte);
    if (this.values.some((value) => value.startsWith(typed) && this.mayFollowRun(value))) return replace(this.with(typed, 0));
    return this.canEnd() ? completeRetry : reject;
  }

  /**
   * Whitespace fits after the prefix when it is outside a string and next to a token boundary: after `{ [ , :`
   * or, for some value, before `} ] , :`. A complete value is never a prefix of another with a boundary next
   * (only numbers extend numbers), so whitespace here never competes with ending the literal.
   */
  private layoutHere(): boolean {
    if (this.prefix === '' || endsInString(this.prefix)) return false;
    return opensTokens(this.prefix) || this.values.some((value) => value.startsWith(this.prefix) && closesTokens(value, this.prefix.length));
  }

  /** After a whitespace run, a value may go on only where it allowed the run. */
  private mayFollowRun(value: string): boolean {
    return this.run === 0 || opensTokens(this.prefix) || closesTokens(value, this.prefix.length);
  }

  space(): number {
    return 0;
  }

  afterChild(): Frame {
    return this;
  }

  canEnd(): boolean {
    return this.run === 0 && this.values.includes(this.prefix);
  }

  completion(): string {
    const matching = this.values.filter((value) => value.startsWith(this.prefix) && this.mayFollowRun(value));
    return matching.reduce((best, value) => (value.length < best.length ? value : best)).slice(this.prefix.length);
  }

  key(clamp: number): string {
    return `l${this.id}:${this.prefix}:${Math.min(this.whitespace - this.run, clamp)}`;
  }
}

const opensTokens = (prefix: string) => '{[,:'.includes(prefix[prefix.length - 1]);
const closesTokens = (value: string, index: number) => index < value.length && '}],:'.includes(value[index]);

/** True when a compact JSON prefix stops inside a string (so a space there is string content). */
function endsInString(prefix: string): boolean {
  let inString = false;
  for (let index = 0; index < prefix.length; index++) {
    const char = prefix.charCodeAt(index);
    if (inString && char === 0x5c) index++;
    else if (char === 0x22) inString = !inString;
  }
  return inString;
}

// *** unions ***

/** Chooses the alternative by the first byte, then becomes that alternative's frame. */
class UnionFrame implements Frame {
  constructor(readonly node: Extract<GrammarNode, { kind: 'union' }>) {}

  step(byte: number): StepResult {
    for (const option of this.node.options) {
      const result = frameFor(option).step(byte);
      if (result.kind !== 'reject') return result;
    }
    return reject;
  }

  space(): number {
    return 0;
  }

  afterChild(): Frame {
    return this;
  }

  canEnd(): boolean {
    return false;
  }

  completion(): string {
    return minimalValue(this.node);
  }

  key(): string {
    return `u${this.node.id}`;
  }
}

// *** whitespace between tokens ***

/**
 * A container frame with `used` whitespace bytes typed at a position where JSON allows them. It stands in
 * for that frame on the stack: more whitespace extends the run up to the frame's limit, any other byte goes
 * to the frame itself. Whitespace never helps to close a value, so the completion is the frame's own.
 */
export class SpaceFrame implements Frame {
  constructor(readonly frame: Frame, readonly used: number) {}

  /** The frame after one whitespace byte, or null where none (more) is allowed. */
  static after(frame: Frame, byte: number): Frame | null {
    if (!isSpace(byte)) return null;
    const base = frame instanceof SpaceFrame ? frame.frame : frame;
    const used = frame instanceof SpaceFrame ? frame.used + 1 : 1;
    return used <= base.space() ? new SpaceFrame(base, used) : null;
  }

  step(byte: number): StepResult {
    return this.frame.step(byte);
  }

  afterChild(): Frame {
    return this.frame.afterChild();
  }

  canEnd(): boolean {
    return this.frame.canEnd();
  }

  completion(): string {
    return this.frame.completion();
  }

  space(): number {
    return this.frame.space() - this.used;
  }

  key(clamp: number): string {
    return `w${Math.min(this.frame.space() - this.used, clamp)}:${this.frame.key(clamp)}`;
  }
}

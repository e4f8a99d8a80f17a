/**
 * @module engine/models/constrained/json-constraint
 * Restricts generation to JSON that matches a schema. Per step it gives the mask of tokens the automaton
 * accepts (memoised per automaton state, so a schema's trie walks happen once per tokenizer), and it keeps a
 * token budget: only tokens after which the shortest valid ending still fits in the tokens left are allowed,
 * so the output closes in time however the sampler picks. With byte tokens in the vocabulary (byte fallback or
 * byte-level BPE) the output therefore always parses and validates, whatever the sampler picks.
 */
import { SlingError } from '../../../core/errors.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { advance, advanceBytes, completionLength, completionOf, initialState, isAccepting, isDone, stateKey, type AutomatonState } from './json-automaton.ts';
import { minimalValue } from './json-frames.ts';
import { defaultLimits, flexibleWhitespace, SchemaCompiler, type GrammarNode } from './schema-nodes.ts';
import { vocabularyTrie, type TrieNode, type VocabularyTrie } from './vocabulary-trie.ts';

/**
 * `whitespace`: 'compact' (default) allows no whitespace between tokens, the fewest tokens for the same value;
 * 'flexible' allows runs of JSON whitespace (up to 16 bytes) between tokens, also inside enum and const values,
 * e.g. for models tuned on pretty-printed JSON. Never before or after the whole value: the output is the value.
 */
export type JsonWhitespace = 'compact' | 'flexible';
export type ResponseFormat = ({ type: 'json_object' } | { type: 'json_schema'; schema: object }) & { whitespace?: JsonWhitespace };

/** Per automaton state (memoised by key): the tokens the grammar accepts and how each changes the ending. */
interface StateTokens {
  ids: Int32Array;
  /** completion length after the token minus completion length before it. */
  deltas: Int16Array;
}

export class JsonConstraint {
  private readonly trie: VocabularyTrie;
  private readonly states = new Map<string, StateTokens>();

  constructor(readonly root: GrammarNode, private readonly tokenizer: Tokenizer) {
    this.trie = vocabularyTrie(tokenizer);
  }

  start(): AutomatonState {
    return initialState(this.root);
  }

  /** Fewest tokens a complete output needs (shortest value, one byte per token, plus EOS). */
  minimumTokens(): number {
    return minimalValue(this.root).length + 1;
  }

  /** True when the output is complete and no further token is possible. */
  isDone(state: AutomatonState): boolean {
    return isDone(state);
  }

  /** True when the output so far is a complete value (EOS may end it). */
  isComplete(state: AutomatonState): boolean {
    return isAccepting(state);
  }

  /** The shortest text that would complete the output, for error messages. */
  missing(state: AutomatonState): string {
    return completionOf(state);
  }

  advanceToken(state: AutomatonState, id: number): AutomatonState {
    if (this.tokenizer.eosIds.includes(id)) return state;
    const next = advanceBytes(state, this.tokenizer.tokenBytes(id));
    if (!next) throw new SlingError('constraint_violation', `token ${id} is not allowed here by the JSON grammar`);
    return next;
  }

  /**
   * Allowed next tokens (1 = allowed) given the state and how many tokens may still be generated: those the
   * grammar accepts after which the shortest ending (one byte token per byte) plus EOS still fits.
   */
  allowedTokens(state: AutomatonState, tokensLeft: number): Uint8Array {
    const mask = new Uint8Array(this.tokenizer.vocabSize);
    const { ids, deltas } = this.tokensFor(state);
    // After this token: ending + delta bytes, then EOS, within tokensLeft − 1.
    const budget = tokensLeft - 2 - completionLength(state);
    for (let index = 0; index < ids.length; index++) if (deltas[index] <= budget) mask[ids[index]] = 1;
    if (isAccepting(state)) for (const id of this.tokenizer.eosIds) mask[id] = 1;
    return mask;
  }

  /**
   * Walks the vocabulary trie with the automaton once per state key. Counters in the key are clamped to the
   * longest token, which is enough to decide acceptance and the change of the ending length for every token.
   */
  private tokensFor(state: AutomatonState): StateTokens {
    const key = stateKey(state, this.trie.maxTokenBytes + 1);
    let entry = this.states.get(key);
    if (!entry) {
      const ids: number[] = [];
      const deltas: number[] = [];
      const before = completionLength(state);
      const walk = (node: TrieNode, current: AutomatonState) => {
        for (const [byte, child] of node.children) {
          const next = advance(current, byte);
          if (!next) continue;
          if (child.tokens.length > 0) {
            const delta = Math.min(32767, completionLength(next) - before);
            for (const id of child.tokens) {
              ids.push(id);
              deltas.push(delta);
            }
          }
          if (child.children.size > 0) walk(child, next);
        }
      };
      walk(this.trie.root, state);
      entry = { ids: Int32Array.from(ids), deltas: Int16Array.from(deltas) };
      this.states.set(key, entry);
    }
    return entry;
  }
}

const constraintCache = new WeakMap<Tokenizer, Map<string, JsonConstraint>>();

/** The constraint for a response format, cached per (schema, tokenizer). */
export function jsonConstraint(format: ResponseFormat, tokenizer: Tokenizer): JsonConstraint {
  const whitespace = format.whitespace ?? 'compact';
  const key = `${whitespace}:${format.type === 'json_object' ? 'json_object' : JSON.stringify(format.schema)}`;
  let byTokenizer = constraintCache.get(tokenizer);
  if (!byTokenizer) constraintCache.set(tokenizer, (byTokenizer = new Map()));
  let constraint = byTokenizer.get(key);
  if (!constraint) {
    const compiler = new SchemaCompiler({ ...defaultLimits, maxWhitespace: whitespace === 'flexible' ? flexibleWhitespace : 0 });
    const root = format.type === 'json_object' ? compiler.anyObject() : compiler.compile(format.schema);
    constraint = new JsonConstraint(root, tokenizer);
    byTokenizer.set(key, constraint);
  }
  return constraint;
}

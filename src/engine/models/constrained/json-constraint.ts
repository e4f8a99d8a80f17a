/**
 * @module engine/models/constrained/json-constraint
 * Restricts generation to JSON that matches a schema. Per step it gives the mask of tokens the automaton
 * accepts (memoised per automaton state, so a schema's masks are computed once per tokenizer), and it keeps a
 * token budget: when the tokens left approach the length of the shortest valid ending, only tokens that leave
 * a state still closable within the budget are allowed. With byte tokens in the vocabulary (byte fallback or
 * byte-level BPE) the output therefore always parses and validates, whatever the sampler picks.
 */
import { SlingError } from '../../../core/errors.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { advance, advanceBytes, completionOf, initialState, isAccepting, isDone, stateKey, type AutomatonState } from './json-automaton.ts';
import { minimalValue } from './json-frames.ts';
import { SchemaCompiler, type GrammarNode } from './schema-nodes.ts';
import { vocabularyTrie, type TrieNode, type VocabularyTrie } from './vocabulary-trie.ts';

export type ResponseFormat = { type: 'json_object' } | { type: 'json_schema'; schema: object };

export class JsonConstraint {
  private readonly trie: VocabularyTrie;
  private readonly masks = new Map<string, Uint8Array>();
  /** How much one byte can lengthen the shortest ending (opening the largest value plus its key). */
  private readonly byteJump: number;

  constructor(readonly root: GrammarNode, private readonly tokenizer: Tokenizer) {
    this.trie = vocabularyTrie(tokenizer);
    this.byteJump = largestMinimal(root) + 4;
  }

  start(): AutomatonState {
    return initialState(this.root);
  }

  /** Fewest tokens a complete output needs (shortest value plus EOS). */
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
    if (!next) throw new SlingError('CONSTRAINT_VIOLATION', `token ${id} is not allowed here by the JSON grammar`);
    return next;
  }

  /** Allowed next tokens (1 = allowed) given the state and how many tokens may still be generated. */
  allowedTokens(state: AutomatonState, tokensLeft: number): Uint8Array {
    const ending = completionOf(state).length;
    const tight = tokensLeft <= ending + 1 + this.trie.maxTokenBytes * this.byteJump;
    const mask = tight ? this.budgetMask(state, tokensLeft) : this.grammarMask(state);
    if (isAccepting(state)) for (const id of this.tokenizer.eosIds) mask[id] = 1;
    return mask;
  }

  /** All tokens the grammar accepts, memoised per state. */
  private grammarMask(state: AutomatonState): Uint8Array {
    const key = stateKey(state, this.trie.maxTokenBytes + 1);
    let mask = this.masks.get(key);
    if (!mask) {
      mask = new Uint8Array(this.tokenizer.vocabSize);
      this.walk(this.trie.root, state, mask, () => true);
      this.masks.set(key, mask);
    }
    return mask.slice();
  }

  /** Tokens the grammar accepts after which the shortest ending still fits (ending + EOS ≤ tokens left). */
  private budgetMask(state: AutomatonState, tokensLeft: number): Uint8Array {
    const mask = new Uint8Array(this.tokenizer.vocabSize);
    this.walk(this.trie.root, state, mask, (next) => completionOf(next).length + 1 <= tokensLeft - 1);
    return mask;
  }

  private walk(node: TrieNode, state: AutomatonState, mask: Uint8Array, fits: (state: AutomatonState) => boolean): void {
    for (const [byte, child] of node.children) {
      const next = advance(state, byte);
      if (!next) continue;
      if (child.tokens.length > 0 && fits(next)) for (const id of child.tokens) mask[id] = 1;
      if (child.children.size > 0) this.walk(child, next, mask, fits);
    }
  }
}

function largestMinimal(node: GrammarNode, seen = new Set<GrammarNode>()): number {
  if (seen.has(node)) return 0;
  seen.add(node);
  const children: GrammarNode[] =
    node.kind === 'object' ? node.properties.map((property) => property.value)
    : node.kind === 'freeObject' ? [node.value]
    : node.kind === 'array' ? [node.items]
    : node.kind === 'union' ? node.options
    : [];
  const keyLength = node.kind === 'object' ? Math.max(0, ...node.properties.map((property) => property.key.length)) : 0;
  return Math.max(minimalValue(node).length + keyLength, ...children.map((child) => largestMinimal(child, seen)));
}

const constraintCache = new WeakMap<Tokenizer, Map<string, JsonConstraint>>();

/** The constraint for a response format, cached per (schema, tokenizer). */
export function jsonConstraint(format: ResponseFormat, tokenizer: Tokenizer): JsonConstraint {
  const key = format.type === 'json_object' ? 'json_object' : JSON.stringify(format.schema);
  let byTokenizer = constraintCache.get(tokenizer);
  if (!byTokenizer) constraintCache.set(tokenizer, (byTokenizer = new Map()));
  let constraint = byTokenizer.get(key);
  if (!constraint) {
    const compiler = new SchemaCompiler();
    const root = format.type === 'json_object' ? compiler.anyObject() : compiler.compile(format.schema);
    constraint = new JsonConstraint(root, tokenizer);
    byTokenizer.set(key, constraint);
  }
  return constraint;
}

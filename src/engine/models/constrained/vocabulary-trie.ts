/**
 * @module engine/models/constrained/vocabulary-trie
 * A trie over the byte strings of a tokenizer's tokens, built once per tokenizer. Walking it together with
 * the JSON automaton visits each shared prefix once, so a token mask costs one automaton step per trie node
 * that the grammar allows rather than one per byte of every token.
 */
import type { Tokenizer } from '../tokenizer/tokenizer.ts';

export interface TrieNode {
  children: Map<number, TrieNode>;
  /** Tokens whose bytes end exactly here. */
  tokens: number[];
}

export interface VocabularyTrie {
  root: TrieNode;
  /** Longest token in bytes. */
  maxTokenBytes: number;
  /** Tokens of exactly one byte, by byte value (-1 when the vocabulary has none). */
  singleByte: Int32Array;
}

const cache = new WeakMap<Tokenizer, VocabularyTrie>();

export function vocabularyTrie(tokenizer: Tokenizer): VocabularyTrie {
  const cached = cache.get(tokenizer);
  if (cached) return cached;
  const root: TrieNode = { children: new Map(), tokens: [] };
  const singleByte = new Int32Array(256).fill(-1);
  let maxTokenBytes = 0;
  for (let id = 0; id < tokenizer.vocabSize; id++) {
    if (tokenizer.isSpecial(id)) continue;
    const bytes = tokenizer.tokenBytes(id);
    if (bytes.length === 0) continue;
    let node = root;
    for (const byte of bytes) {
      let child = node.children.get(byte);
      if (!child) node.children.set(byte, (child = { children: new Map(), tokens: [] }));
      node = child;
    }
    node.tokens.push(id);
    if (bytes.length === 1 && singleByte[bytes[0]] < 0) singleByte[bytes[0]] = id;
    maxTokenBytes = Math.max(maxTokenBytes, bytes.length);
  }
  const trie = { root, maxTokenBytes, singleByte };
  cache.set(tokenizer, trie);
  return trie;
}

/**
 * @module engine/models/tokenizer/spm-to-hf
 * tokenizer.json documents built without the Hub. `llamaTokenizerJson` re-expresses a SentencePiece
 * vocabulary the way Hugging Face's converter does for Llama (every split of a piece into two vocabulary
 * pieces is a BPE merge, ranked by the merged piece's score; byte fallback; '▁' normalizer), so a llama2.c
 * or GGUF vocabulary can be saved as an HF folder. `byteLevelTokenizerJson` is a tiny GPT-2-style byte-level
 * BPE used by tests.
 */
import { byteLevelSpelling } from './byte-level.ts';
import type { SpmTokenizer } from './spm-tokenizer.ts';
import { TokenType } from './tokenizer.ts';

export function llamaTokenizerJson(spm: SpmTokenizer): Record<string, unknown> {
  const { pieces, scores, types } = spm.vocabulary;
  const ids = new Map(pieces.map((piece, id) => [piece, id]));
  const merges: { left: string; right: string; score: number; leftId: number; rightId: number }[] = [];
  pieces.forEach((piece, id) => {
    if ((types?.[id] ?? TokenType.normal) !== TokenType.normal) return;
    const characters = Array.from(piece);
    for (let split = 1; split < characters.length; split++) {
      const left = characters.slice(0, split).join('');
      const right = characters.slice(split).join('');
      if (ids.has(left) && ids.has(right)) merges.push({ left, right, score: scores[id], leftId: ids.get(left)!, rightId: ids.get(right)! });
    }
  });
  merges.sort((a, b) => b.score - a.score || a.leftId - b.leftId || a.rightId - b.rightId);
  const special = (id: number) => ({ id, content: pieces[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  return {
    version: '1.0',
    added_tokens: [special(0), special(1), special(2)],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: null,
    decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, vocab: Object.fromEntries(ids), merges: merges.map((merge) => `${merge.left} ${merge.right}`) },
  };
}

/** 256 byte tokens, a few merges, and <|endoftext|> as the special token. */
export function byteLevelTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  for (let byte = 0; byte < 256; byte++) vocab[byteLevelSpelling(Uint8Array.of(byte))] = byte;
  const merges = ['Ġ t', 'h e', 'Ġt he', 'Ġ c', 'a t', 'Ġc at', 'Ġ a', 'o n', 'Ġ w', 'i n', 'e r', 'Ġa n'];
  for (const merge of merges) vocab[merge.replace(' ', '')] = Object.keys(vocab).length;
  const endOfText = Object.keys(vocab).length;
  return {
    version: '1.0',
    added_tokens: [{ id: endOfText, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}

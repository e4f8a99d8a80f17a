/**
 * @module engine/models/tokenizer/tokenizer-corpus
 * Test corpus for tokenizer parity: fixed texts that hit the known hard cases of pre-tokenizers (whitespace
 * runs, digits groups, contractions, code, CJK, emoji with joiners, combining marks, control characters,
 * special-token spellings) and seeded random texts drawn from the same kinds of pieces.
 */
import { seededRandom } from '../../../core/seeded-random.ts';

export const fixedCorpus: readonly string[] = [
  'Hello world!',
  ' leading space',
  '  two leading spaces and trailing   ',
  'a  b\n\nc\r\n\td\t\t e',
  '   \n\n\n   x\n \n',
  "I'm sure we'll go; they've said DON'T, she'd've.",
  '12345 67.89 1,000,000 3.14159e-10 0x1F -42',
  '2024-11-25T06:18:43Z',
  'def square(x):\n    return x ** 2  # comment\n\nprint([square(i) for i in range(10)])\n',
  'const f = (a, b) => { return a?.b ?? `${c}`; };',
  '{"name": "Ada", "tags": ["x", "y"], "n": 3}',
  'café naïve Ünïcödé ﬁance Straße',
  '日本語のテキストと中文文本，还有한국어 텍스트。',
  'Emoji: 🙂👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️',
  'ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３',
  'e\u0301 combining and A\u030A',
  'zero\u200Bwidth and nbsp\u00A0here',
  'Ελληνικά, русский, العربية, עברית, हिन्दी',
  '<s>[INST] hi [/INST] ok</s>',
  '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>',
  '<|im_start|>user\nhi<|im_end|>\n<|endoftext|>',
  '<unk> <pad> </s>',
  '....!!!???---___===***',
  'URL https://example.com/path?q=1&b=two#frag and email a.b@c.org',
  '\u0000\u0001\u007F control',
];

const pieces = [
  ' ', '  ', '   ', '\n', '\n\n', '\t', '\r\n', 'the', ' cat', 'Hello', 'WORLD', "'s", "'ll", "n't", '0', '7', '123', '4567', '3.14',
  '(', ')', '{', '}', '[', ']', ',', '.', '!', '?', ':', ';', '"', "'", '-', '_', '=', '+', '*', '/', '\\', '#', '@', '$', '%', '&',
  'café', 'é', 'ß', 'Ω', 'ж', '日本', '中文', '한', 'ا', '🙂', '👍🏽', '👨‍👩‍👧', '🇯🇵', '\u0301', '\u200B', '\u00A0', 'ﬁ', 'Ａ',
  'return', 'function', 'x_1', 'CamelCase', 'snake_case', '<s>', '</s>', '<|im_end|>', '<|eot_id|>',
];

/** `count` random texts (1-24 pieces each), the same for a given seed. */
export function randomCorpus(count: number, seed: number): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const length = 1 + Math.floor(random() * 24);
    return Array.from({ length }, () => pieces[Math.floor(random() * pieces.length)]).join('');
  });
}

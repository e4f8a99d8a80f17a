/**
 * @module engine/models/generate/generate
 * Autoregressive generation for one prompt or a batch of prompts of different lengths. Each prompt is prefilled
 * into its own KV-cache slot (no padding), then every unfinished row decodes one token per step in one batched
 * forward pass, so every row produces exactly what it would alone. Sampling, EOS, stop strings, JSON-schema constraints and streaming text are handled per row.
 */
import { SlingError } from '../../../core/errors.ts';
import { noGrad } from '../../tensor/index.ts';
import { jsonConstraint, type JsonConstraint, type ResponseFormat } from '../constrained/json-constraint.ts';
import type { AutomatonState } from '../constrained/json-automaton.ts';
import { KvCache } from '../kv-cache.ts';
import type { Llama } from '../llama.ts';
import type { Tokenizer } from '../tokenizer/tokenizer.ts';
import { sampleToken, validateSamplingOptions, type SamplingOptions } from './sampling.ts';
import { seededRandom } from './seeded-random.ts';
import { TextStream } from './text-stream.ts';

export interface GenerateOptions extends SamplingOptions {
  maxTokens: number;
  /** Seed of the sampler (ignored when greedy). Default 0. */
  seed?: number;
  stopStrings?: string[];
  /** Stop at the tokenizer's EOS ids (default true). */
  stopAtEos?: boolean;
  /** Constrain the output to JSON (any object, or matching a schema). */
  responseFormat?: ResponseFormat;
  /** Called with each new piece of text as soon as it is safe to show (row = index in the batch). */
  onText?: (delta: string, row: number) => void;
}

export type FinishReason = 'eos' | 'stop' | 'length';

export interface GenerationResult {
  text: string;
  /** Generated token ids (without the prompt; EOS included when it ended the row). */
  tokenIds: number[];
  promptTokens: number;
  finishReason: FinishReason;
  /** Time of the prompt forward pass and of the decode steps (whole batch). */
  prefillMs: number;
  decodeMs: number;
}

interface Row {
  prompt: number[];
  generated: number[];
  stream: TextStream;
  constraint?: JsonConstraint;
  state?: AutomatonState;
  finish?: FinishReason;
}

export function generate(model: Llama, tokenizer: Tokenizer, promptIds: number[], options: GenerateOptions): GenerationResult {
  return generateBatch(model, tokenizer, [promptIds], options)[0];
}

export function generateBatch(model: Llama, tokenizer: Tokenizer, prompts: number[][], options: GenerateOptions): GenerationResult[] {
  validateSamplingOptions(options);
  const { maxTokens, stopAtEos = true } = options;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new SlingError('invalid_sampling_option', `maxTokens must be a whole number ≥ 1, got ${maxTokens}`, { field: 'maxTokens' });
  if (prompts.length === 0 || prompts.some((prompt) => prompt.length === 0)) {
    throw new SlingError('generate_empty_prompt', 'every prompt needs at least one token', { hint: 'start the prompt with the BOS token' });
  }
  const random = seededRandom(options.seed ?? 0);
  const promptLength = Math.max(...prompts.map((prompt) => prompt.length));
  const rows: Row[] = prompts.map((prompt) => {
    const startsText = prompt.every((id) => tokenizer.isSpecial(id));
    const row: Row = { prompt, generated: [], stream: new TextStream(tokenizer, options.stopStrings ?? [], startsText) };
    if (options.responseFormat) {
      row.constraint = jsonConstraint(options.responseFormat, tokenizer);
      row.state = row.constraint.start();
      if (maxTokens < row.constraint.minimumTokens()) {
        throw new SlingError('generate_budget_too_small', `the shortest JSON matching the schema needs ${row.constraint.minimumTokens()} tokens; maxTokens is ${maxTokens}`, { field: 'maxTokens' });
      }
    }
    return row;
  });
  const batch = rows.length;
  const { numLayers, numKvHeads, headDim, vocabSize } = model.config;
  const cache = new KvCache(numLayers, batch, promptLength + maxTokens, numKvHeads * headDim);

  // Prefill: each prompt into its own cache slot (no padding); logits [B, V] of each row's last token.
  const started = performance.now();
  const logits = new Float32Array(batch * vocabSize);
  rows.forEach((row, b) => {
    cache.bind([b]);
    const last = noGrad(() => model.forward(Int32Array.from(row.prompt), { batch: 1, seqLen: row.prompt.length, kvCache: cache, lastTokenOnly: true })).values;
    logits.set(last, b * vocabSize);
  });
  const prefillMs = performance.now() - started;

  // Decode: one token per unfinished row per step; finished rows leave the batch.
  let live = rows.map((_, b) => b);
  for (let step = 0; step < maxTokens; step++) {
    for (const b of live) {
      const row = rows[b];
      const rowLogits = Float32Array.from(logits.subarray(b * vocabSize, (b + 1) * vocabSize));
      const allowed = row.constraint ? row.constraint.allowedTokens(row.state!, maxTokens - step) : undefined;
      const id = sampleToken(rowLogits, options, random, options.repetitionPenalty ? [...row.prompt, ...row.generated] : [], allowed);
      row.generated.push(id);
      if (stopAtEos && tokenizer.eosIds.includes(id)) row.finish = 'eos';
      else {
        const delta = row.stream.push(id);
        if (delta) options.onText?.(delta, b);
        if (row.constraint) {
          row.state = row.constraint.advanceToken(row.state!, id);
          if (row.constraint.isDone(row.state)) row.finish = 'stop';
        }
        if (row.stream.stopped) row.finish = 'stop';
      }
    }
    live = live.filter((b) => !rows[b].finish);
    if (live.length === 0 || step === maxTokens - 1) break;
    cache.bind(live);
    const stepIds = Int32Array.from(live, (b) => rows[b].generated.at(-1)!);
    const stepLogits = noGrad(() => model.forward(stepIds, { batch: live.length, seqLen: 1, kvCache: cache })).values; // [live, 1, V]
    live.forEach((b, index) => logits.set(stepLogits.subarray(index * vocabSize, (index + 1) * vocabSize), b * vocabSize));
  }
  const decodeMs = performance.now() - started - prefillMs;
  return rows.map((row, b) => {
    const last = row.stream.finish();
    if (last) options.onText?.(last, b);
    return { text: row.stream.text, tokenIds: row.generated, promptTokens: row.prompt.length, finishReason: row.finish ?? 'length', prefillMs, decodeMs };
  });
}

/**
 * @module engine/models/generate/generate
 * Autoregressive generation for one prompt or a batch of prompts of different lengths. Prompts are left-padded
 * to the same length, each row gets its own RoPE positions, and padding slots are masked out of attention, so
 * every row produces exactly what it would alone. A preallocated KV cache makes each decode step one token
 * per row. Sampling, EOS, stop strings, JSON-schema constraints and streaming text are handled per row.
 */
import { SlingError } from '../../../core/errors.ts';
import { noGrad } from '../../tensor/index.ts';
import { jsonConstraint, type JsonConstraint, type ResponseFormat } from '../constrained/json-constraint.ts';
import type { AutomatonState } from '../constrained/json-automaton.ts';
import { KvCache } from '../kv-cache.ts';
import { enableDecodeGemv } from '../ops-extra/decode-backend.ts';
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
  padding: number;
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
  enableDecodeGemv();
  const { maxTokens, stopAtEos = true } = options;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new SlingError('invalid_sampling_option', `maxTokens must be a whole number ≥ 1, got ${maxTokens}`, { field: 'maxTokens' });
  if (prompts.length === 0 || prompts.some((prompt) => prompt.length === 0)) {
    throw new SlingError('generate_empty_prompt', 'every prompt needs at least one token', { hint: 'start the prompt with the BOS token' });
  }
  const random = seededRandom(options.seed ?? 0);
  const promptLength = Math.max(...prompts.map((prompt) => prompt.length));
  const rows: Row[] = prompts.map((prompt) => {
    const startsText = prompt.every((id) => tokenizer.isSpecial(id));
    const row: Row = { prompt, padding: promptLength - prompt.length, generated: [], stream: new TextStream(tokenizer, options.stopStrings ?? [], startsText) };
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
  const padId = tokenizer.eosIds[0] ?? 0;

  // Prefill: all prompts at once, left-padded; positions restart at 0 after each row's padding.
  const ids = new Int32Array(batch * promptLength).fill(padId);
  const positions = new Int32Array(batch * promptLength);
  const mask = new Uint8Array(batch * promptLength);
  rows.forEach((row, b) => {
    for (let t = 0; t < promptLength; t++) {
      const real = t >= row.padding;
      ids[b * promptLength + t] = real ? row.prompt[t - row.padding] : padId;
      positions[b * promptLength + t] = real ? t - row.padding : 0;
      mask[b * promptLength + t] = real ? 1 : 0;
    }
  });
  const started = performance.now();
  let logits = noGrad(() => model.forward(ids, { batch, seqLen: promptLength, positions, paddingMask: mask, kvCache: cache, lastTokenOnly: true })).values;
  const prefillMs = performance.now() - started;

  const stepIds = new Int32Array(batch);
  const stepPositions = new Int32Array(batch);
  const stepMask = new Uint8Array(batch);
  for (let step = 0; step < maxTokens; step++) {
    rows.forEach((row, b) => {
      stepMask[b] = 0;
      stepIds[b] = padId;
      if (row.finish) return;
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
      stepIds[b] = id;
      stepMask[b] = 1;
      stepPositions[b] = row.prompt.length + row.generated.length - 1;
    });
    if (rows.every((row) => row.finish) || step === maxTokens - 1) break;
    logits = noGrad(() => model.forward(stepIds, { batch, seqLen: 1, positions: stepPositions, paddingMask: stepMask, kvCache: cache })).values;
  }
  const decodeMs = performance.now() - started - prefillMs;
  return rows.map((row, b) => {
    const last = row.stream.finish();
    if (last) options.onText?.(last, b);
    return { text: row.stream.text, tokenIds: row.generated, promptTokens: row.prompt.length, finishReason: row.finish ?? 'length', prefillMs, decodeMs };
  });
}

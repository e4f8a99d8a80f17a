/**
 * @module platform/serve/local/batch-decode
 * The serving decode loop: one batch of requests, each with its own sampling settings, stop strings, JSON
 * constraint and LoRA adapter, generated together (left-padded prefill, then one token per row per step through
 * the KV cache). Unlike the engine's `generateBatch`, it is asynchronous: it yields to the event loop after
 * every step, so streamed tokens reach clients as they are made, new requests are accepted meanwhile, and a
 * client that disconnects stops its row. Several batches may be decoding at once (the scheduler starts a new
 * one for requests that arrive while others run): they take turns step by step at those yields, each with its
 * own KV cache, so the per-row adapter assignment is set again right before every forward pass.
 * It reuses the engine's sampler, text stream and JSON constraint.
 *
 * Shape legend: B rows in the batch, T prompt tokens (longest prompt), V vocabulary.
 */
import { randomInt } from 'node:crypto';
import { SlingError } from '../../../core/errors.ts';
import { jsonConstraint, type JsonConstraint } from '../../../engine/models/constrained/json-constraint.ts';
import type { AutomatonState } from '../../../engine/models/constrained/json-automaton.ts';
import { sampleToken } from '../../../engine/models/generate/sampling.ts';
import { seededRandom, type Random } from '../../../engine/models/generate/seeded-random.ts';
import { TextStream } from '../../../engine/models/generate/text-stream.ts';
import { KvCache } from '../../../engine/models/kv-cache.ts';
import type { Llama } from '../../../engine/models/llama.ts';
import { enableDecodeGemv } from '../../../engine/models/ops-extra/decode-backend.ts';
import type { Tokenizer } from '../../../engine/models/tokenizer/tokenizer.ts';
import { noGrad } from '../../../engine/tensor/index.ts';
import type { GenerationParams } from '../serving-model.ts';
import type { LowRankUpdate, MultiAdapterLinear } from './multi-adapter-linear.ts';

export interface DecodeRow {
  promptIds: number[];
  params: GenerationParams;
  /** The row's adapter: low-rank updates by module name; null = base model. */
  adapter: Map<string, LowRankUpdate> | null;
  onText?: (delta: string) => void;
  signal?: AbortSignal;
}

export interface DecodeResult {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
  /** Compute time of this batch (its own forward passes and sampling, not other batches'), per row. */
  computeMs: number;
}

interface ActiveRow {
  index: number;
  row: DecodeRow;
  maxTokens: number;
  random: Random;
  stream: TextStream;
  generated: number[];
  constraint?: JsonConstraint;
  state?: AutomatonState;
  finish?: 'stop' | 'length';
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

function prepare(row: DecodeRow, index: number, tokenizer: Tokenizer, contextLength: number): ActiveRow {
  const room = contextLength - row.promptIds.length;
  if (room < 1) {
    throw new SlingError('context_length_exceeded', `the prompt has ${row.promptIds.length} tokens; this model's context holds ${contextLength}`, {
      field: 'messages',
      hint: 'shorten the prompt',
    });
  }
  const maxTokens = Math.min(row.params.maxTokens, room);
  const startsText = row.promptIds.every((id) => tokenizer.isSpecial(id));
  const active: ActiveRow = {
    index,
    row,
    maxTokens,
    random: seededRandom(row.params.seed ?? randomInt(2 ** 31)),
    stream: new TextStream(tokenizer, row.params.stop, startsText),
    generated: [],
  };
  if (row.params.responseFormat) {
    active.constraint = jsonConstraint(row.params.responseFormat, tokenizer);
    active.state = active.constraint.start();
    if (maxTokens < active.constraint.minimumTokens()) {
      throw new SlingError('invalid_max_tokens', `the shortest JSON matching the schema needs ${active.constraint.minimumTokens()} tokens; max_tokens allows ${maxTokens}`, { field: 'max_tokens' });
    }
  }
  return active;
}

/** Generates every row; a row that cannot start (bad schema, prompt too long) gets its Error, the rest run. */
export async function decodeBatch(
  model: Llama,
  tokenizer: Tokenizer,
  wrappers: Map<string, MultiAdapterLinear>,
  rows: DecodeRow[],
  contextLength: number,
): Promise<(DecodeResult | Error)[]> {
  enableDecodeGemv(); // decode steps are matrix-vector products: the engine's GEMV path, as generate uses
  const results: (DecodeResult | Error)[] = new Array(rows.length);
  const active: ActiveRow[] = [];
  rows.forEach((row, index) => {
    try {
      active.push(prepare(row, index, tokenizer, contextLength));
    } catch (error) {
      results[index] = error instanceof Error ? error : new Error(String(error));
    }
  });
  if (active.length === 0) return results;

  const B = active.length;
  const T = Math.max(...active.map((entry) => entry.row.promptIds.length));
  const steps = Math.max(...active.map((entry) => entry.maxTokens));
  const { numLayers, numKvHeads, headDim, vocabSize: V } = model.config;
  const cache = new KvCache(numLayers, B, T + steps, numKvHeads * headDim);
  const rowAdapters = [...wrappers].map(([name, wrapper]) => [wrapper, active.map((entry) => entry.row.adapter?.get(name) ?? null)] as const);
  // Forward passes are synchronous, so nothing else can run between this and the pass that follows it.
  const assignAdapters = () => {
    for (const [wrapper, updates] of rowAdapters) wrapper.rowAdapters = updates;
  };
  const padId = tokenizer.eosIds[0] ?? 0;
  let busyMs = 0;
  let segmentStart = performance.now();

  try {
    // Prefill, left-padded: each row's positions start at 0 after its padding, padding is never attended.
    const ids = new Int32Array(B * T).fill(padId);
    const positions = new Int32Array(B * T);
    const mask = new Uint8Array(B * T);
    active.forEach((entry, b) => {
      const padding = T - entry.row.promptIds.length;
      for (let t = padding; t < T; t++) {
        ids[b * T + t] = entry.row.promptIds[t - padding];
        positions[b * T + t] = t - padding;
        mask[b * T + t] = 1;
      }
    });
    assignAdapters();
    let logits = noGrad(() => model.forward(ids, { batch: B, seqLen: T, positions, paddingMask: mask, kvCache: cache, lastTokenOnly: true })).values; // [B, 1, V]

    const stepIds = new Int32Array(B);
    const stepPositions = new Int32Array(B);
    const stepMask = new Uint8Array(B);
    for (let step = 0; step < steps; step++) {
      active.forEach((entry, b) => {
        stepMask[b] = 0;
        stepIds[b] = padId;
        if (entry.finish) return;
        if (entry.row.signal?.aborted) return void (entry.finish = 'stop');
        const rowLogits = Float32Array.from(logits.subarray(b * V, (b + 1) * V));
        const remaining = entry.maxTokens - entry.generated.length;
        const allowed = entry.constraint ? entry.constraint.allowedTokens(entry.state!, remaining) : undefined;
        const id = sampleToken(rowLogits, { temperature: entry.row.params.temperature, topP: entry.row.params.topP }, entry.random, [], allowed);
        entry.generated.push(id);
        if (tokenizer.eosIds.includes(id)) entry.finish = 'stop';
        else {
          const delta = entry.stream.push(id);
          if (delta) entry.row.onText?.(delta);
          if (entry.constraint) {
            entry.state = entry.constraint.advanceToken(entry.state!, id);
            if (entry.constraint.isDone(entry.state)) entry.finish = 'stop';
          }
          if (entry.stream.stopped) entry.finish = 'stop';
        }
        if (!entry.finish && entry.generated.length >= entry.maxTokens) entry.finish = 'length';
        stepIds[b] = id;
        stepMask[b] = 1;
        stepPositions[b] = entry.row.promptIds.length + entry.generated.length - 1;
      });
      if (active.every((entry) => entry.finish)) break;
      // Let streamed chunks go out, new requests queue and other batches step before the next forward pass.
      busyMs += performance.now() - segmentStart;
      await nextTick();
      segmentStart = performance.now();
      assignAdapters();
      logits = noGrad(() => model.forward(stepIds, { batch: B, seqLen: 1, positions: stepPositions, paddingMask: stepMask, kvCache: cache })).values;
    }
  } finally {
    for (const wrapper of wrappers.values()) wrapper.rowAdapters = [];
  }
  busyMs += performance.now() - segmentStart;

  for (const entry of active) {
    const last = entry.stream.finish();
    if (last) entry.row.onText?.(last);
    results[entry.index] = {
      text: entry.stream.text,
      promptTokens: entry.row.promptIds.length,
      completionTokens: entry.generated.length,
      finishReason: entry.finish ?? 'length',
      computeMs: busyMs / active.length,
    };
  }
  return results;
}

/**
 * @module platform/serve/local/decode-loop
 * Continuous batching for one base model. Each request gets a slot of one shared KV cache; the loop admits
 * waiting requests between steps (each is prefilled alone into its slot), then runs one forward pass that
 * decodes one token for every running request, whatever adapter each uses (MultiAdapterLinear applies each
 * row's LoRA update, the base matmuls are shared), and yields to the event loop. A request that ends frees its
 * slot at once for the next one; nothing waits for a whole batch to finish. The event loop is never held for
 * longer than one forward pass (one decode step, or one prompt's prefill), so streamed tokens go out and new
 * requests arrive while others generate.
 *
 * Shape legend: B rows in a decode step, V vocabulary.
 */
import type { Llama } from '../../../engine/models/llama.ts';
import { KvCache } from '../../../engine/models/kv-cache.ts';
import type { Tokenizer } from '../../../engine/models/tokenizer/tokenizer.ts';
import { noGrad } from '../../../engine/tensor/index.ts';
import type { BatchStats } from '../serving-model.ts';
import { DecodingRequest, type DecodeResult, type DecodeRow } from './decoding-request.ts';
import type { MultiAdapterLinear } from './multi-adapter-linear.ts';

/** First per-slot cache allocation; slots grow (doubling) up to the context length when a request needs it. */
const INITIAL_SLOT_TOKENS = 256;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class DecodeLoop {
  readonly stats: BatchStats = { batches: 0, rows: 0, largestBatch: 0, mixedAdapterBatches: 0 };
  private readonly cache: KvCache;
  private readonly freeSlots: number[];
  private readonly waiting: DecodingRequest[] = [];
  private readonly running: DecodingRequest[] = [];
  private looping = false;

  constructor(
    private readonly model: Llama,
    private readonly tokenizer: Tokenizer,
    /** Every adapter-capable projection of the model, by module name. */
    private readonly wrappers: Map<string, MultiAdapterLinear>,
    private readonly contextLength: number,
    /** Most requests decoding at once (cache slots); more wait for a free slot. */
    readonly maxRows: number,
  ) {
    const { numLayers, numKvHeads, headDim } = model.config;
    this.cache = new KvCache(numLayers, maxRows, Math.min(INITIAL_SLOT_TOKENS, contextLength), numKvHeads * headDim, { grow: true, limit: contextLength });
    this.freeSlots = Array.from({ length: maxRows }, (_, slot) => maxRows - 1 - slot);
  }

  /** Generates one row; rejects at once if it cannot start (prompt too long, bad schema). */
  submit(row: DecodeRow): Promise<DecodeResult> {
    return new Promise((resolve, reject) => {
      try {
        this.waiting.push(new DecodingRequest(row, this.tokenizer, this.contextLength, resolve, reject));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      void this.loop();
    });
  }

  private async loop(): Promise<void> {
    if (this.looping) return;
    this.looping = true;
    try {
      while (this.waiting.length > 0 || this.running.length > 0) {
        while (this.waiting.length > 0 && this.freeSlots.length > 0) {
          this.admit(this.waiting.shift()!);
          await nextTurn();
        }
        if (this.running.length > 0) this.step();
        await nextTurn();
      }
    } finally {
      this.looping = false;
    }
  }

  /** Prefills one request into a free slot and samples its first token. */
  private admit(request: DecodingRequest): void {
    if (request.aborted) return request.finish('stop');
    const slot = this.freeSlots.pop()!;
    this.cache.clear(slot);
    request.slot = slot;
    this.running.push(request);
    this.stats.rows += 1;
    const ids = Int32Array.from(request.row.promptIds);
    this.forward([request], ids, ids.length, true);
  }

  /** One decode step for every running request. */
  private step(): void {
    const rows = this.running.slice();
    this.stats.batches += 1;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, rows.length);
    if (new Set(rows.map((request) => request.row.adapter)).size > 1) this.stats.mixedAdapterBatches += 1;
    this.forward(rows, Int32Array.from(rows, (request) => request.lastToken), 1, false);
  }

  /** Runs the model on `rows` (their slots bound, their adapters assigned), then samples each row's next token. */
  private forward(rows: DecodingRequest[], ids: Int32Array, seqLen: number, lastTokenOnly: boolean): void {
    const started = performance.now();
    const V = this.model.config.vocabSize;
    let logits: Float32Array;
    try {
      for (const [name, wrapper] of this.wrappers) wrapper.rowAdapters = rows.map((request) => request.row.adapter?.get(name) ?? null);
      this.cache.bind(rows.map((request) => request.slot));
      logits = noGrad(() => this.model.forward(ids, { batch: rows.length, seqLen, kvCache: this.cache, lastTokenOnly })).values as Float32Array; // [B, 1, V]
    } catch (error) {
      for (const request of rows) this.release(request, error instanceof Error ? error : new Error(String(error)));
      return;
    } finally {
      for (const wrapper of this.wrappers.values()) wrapper.rowAdapters = [];
    }
    const share = (performance.now() - started) / rows.length;
    rows.forEach((request, b) => {
      request.computeMs += share;
      if (request.aborted) return this.release(request);
      request.accept(logits.subarray(b * V, (b + 1) * V));
      if (request.done) this.release(request);
    });
  }

  /** Ends a request (with its result, or `error`) and frees its slot. */
  private release(request: DecodingRequest, error?: Error): void {
    const index = this.running.indexOf(request);
    if (index >= 0) this.running.splice(index, 1);
    if (request.slot >= 0) this.freeSlots.push(request.slot);
    request.slot = -1;
    if (error) request.fail(error);
    else request.finish(request.finishReason ?? 'stop');
  }
}

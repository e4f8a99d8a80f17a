/**
 * @module platform/serve/serving-model
 * What the server needs from a model: a base model runner that generates a batch of rows in one go, where each
 * row may carry a different LoRA adapter of that base, and streams each row's text as it is produced.
 * The local engine implements it in ./local-runner.ts; the HTTP layer never sees the engine.
 */
import type { ChatMessage } from '../eval/chat-model.ts';

export type ResponseFormat = { type: 'json_object' } | { type: 'json_schema'; schema: object };

export type Prompt = { kind: 'chat'; messages: ChatMessage[] } | { kind: 'text'; text: string };

export interface GenerationParams {
  maxTokens: number;
  /** 0 = greedy. */
  temperature: number;
  topP: number;
  seed?: number;
  stop: string[];
  responseFormat?: ResponseFormat;
}

/** An adapter loaded for one base; `handle` is whatever the runner needs to apply it. */
export interface LoadedAdapter {
  name: string;
  /** Memory it holds, for the LRU budget. */
  bytes: number;
  handle: unknown;
  dispose?(): void;
}

/** Where an adapter's files are: a finished training run's adapter folder or an external PEFT folder. */
export interface AdapterSource {
  name: string;
  path: string;
  /** The base model it was trained on, as recorded in its config (a name or path), if known. */
  baseModel?: string;
  origin: 'run' | 'folder';
}

export interface GenerationRow {
  prompt: Prompt;
  params: GenerationParams;
  adapter: LoadedAdapter | null;
  /** Called with each new piece of text (never splitting a UTF-8 character). */
  onText?: (delta: string) => void;
  /** Aborted when the client goes away: the runner stops that row early. */
  signal?: AbortSignal;
}

export interface GenerationOutput {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
  /** Compute time spent on this row's batch (shared by the rows of one batch). */
  computeMs: number;
}

export interface BatchStats {
  /** Decode steps run (each one forward pass over the requests decoding at that moment). */
  batches: number;
  /** Requests that entered decoding. */
  rows: number;
  /** Most requests in one decode step. */
  largestBatch: number;
  /** Decode steps that mixed two or more different adapters (or base + adapter). */
  mixedAdapterBatches: number;
}

export interface BaseModelRunner {
  readonly name: string;
  /** Longest prompt + completion the model accepts, in tokens. */
  readonly contextLength: number;
  /** Most rows generating at once. */
  readonly maxBatchSize: number;
  /** True when one forward pass can apply a different adapter per row; false = rows are grouped by adapter. */
  readonly perRowAdapters: boolean;
  /** How generation has been batched so far (for /metrics). */
  readonly batchStats: BatchStats;
  /**
   * Generates every row; a row that fails gets an Error in its place, the others still complete. Calls may
   * overlap: the runner batches rows of concurrent calls together.
   */
  generateBatch(rows: GenerationRow[]): Promise<(GenerationOutput | Error)[]>;
  loadAdapter(source: AdapterSource): Promise<LoadedAdapter>;
}

/** How to get a base model: loaded on first use. */
export interface BaseModelSpec {
  name: string;
  /** File or folder it comes from (shown in /v1/models and matched against adapters' recorded base). */
  path?: string;
  load(): Promise<BaseModelRunner>;
}

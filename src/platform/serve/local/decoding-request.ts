/**
 * @module platform/serve/local/decoding-request
 * One request inside the decode loop: its sampler, stop strings, JSON constraint and text stream, fed one
 * row of logits per step. It reuses the engine's sampler, text stream and JSON constraint, so a served answer
 * is what the engine's `generate` gives for the same settings.
 */
import { randomInt } from 'node:crypto';
import { SlingError } from '../../../core/errors.ts';
import type { AutomatonState } from '../../../engine/models/constrained/json-automaton.ts';
import { jsonConstraint, type JsonConstraint } from '../../../engine/models/constrained/json-constraint.ts';
import { sampleToken } from '../../../engine/models/generate/sampling.ts';
import { seededRandom, type Random } from '../../../engine/models/generate/seeded-random.ts';
import { TextStream } from '../../../engine/models/generate/text-stream.ts';
import type { Tokenizer } from '../../../engine/models/tokenizer/tokenizer.ts';
import type { GenerationParams } from '../serving-model.ts';
import type { LowRankUpdate } from './multi-adapter-linear.ts';

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
  /** This request's share of the forward passes it took part in (its prefill, 1/B of each decode step). */
  computeMs: number;
}

export class DecodingRequest {
  /** KV-cache slot while running; -1 otherwise. */
  slot = -1;
  computeMs = 0;
  finishReason?: 'stop' | 'length';
  private readonly maxTokens: number;
  private readonly random: Random;
  private readonly stream: TextStream;
  private readonly generated: number[] = [];
  private readonly constraint?: JsonConstraint;
  private state?: AutomatonState;

  constructor(
    readonly row: DecodeRow,
    private readonly tokenizer: Tokenizer,
    contextLength: number,
    private readonly resolve: (result: DecodeResult) => void,
    private readonly reject: (error: Error) => void,
  ) {
    const room = contextLength - row.promptIds.length;
    if (room < 1) {
      throw new SlingError('context_length_exceeded', `the prompt has ${row.promptIds.length} tokens; this model's context holds ${contextLength}`, { field: 'messages', hint: 'shorten the prompt' });
    }
    this.maxTokens = Math.min(row.params.maxTokens, room);
    this.random = seededRandom(row.params.seed ?? randomInt(2 ** 31));
    this.stream = new TextStream(tokenizer, row.params.stop, row.promptIds.every((id) => tokenizer.isSpecial(id)));
    if (row.params.responseFormat) {
      this.constraint = jsonConstraint(row.params.responseFormat, tokenizer);
      this.state = this.constraint.start();
      if (this.maxTokens < this.constraint.minimumTokens()) {
        throw new SlingError('invalid_max_tokens', `the shortest JSON matching the schema needs ${this.constraint.minimumTokens()} tokens; max_tokens allows ${this.maxTokens}`, { field: 'max_tokens' });
      }
    }
  }

  get aborted(): boolean {
    return this.row.signal?.aborted === true;
  }

  get done(): boolean {
    return this.finishReason !== undefined;
  }

  /** The token to feed at the next step. */
  get lastToken(): number {
    return this.generated[this.generated.length - 1];
  }

  /** Samples the next token from this row's logits [V] and updates the stream, constraint and finish state. */
  accept(logits: Float32Array): void {
    const remaining = this.maxTokens - this.generated.length;
    const allowed = this.constraint ? this.constraint.allowedTokens(this.state!, remaining) : undefined;
    const id = sampleToken(Float32Array.from(logits), { temperature: this.row.params.temperature, topP: this.row.params.topP }, this.random, [], allowed);
    this.generated.push(id);
    if (this.tokenizer.eosIds.includes(id)) this.finishReason = 'stop';
    else {
      const delta = this.stream.push(id);
      if (delta) this.row.onText?.(delta);
      if (this.constraint) {
        this.state = this.constraint.advanceToken(this.state!, id);
        if (this.constraint.isDone(this.state)) this.finishReason = 'stop';
      }
      if (this.stream.stopped) this.finishReason = 'stop';
    }
    if (!this.finishReason && this.generated.length >= this.maxTokens) this.finishReason = 'length';
  }

  finish(reason: 'stop' | 'length'): void {
    const last = this.stream.finish();
    if (last) this.row.onText?.(last);
    this.resolve({ text: this.stream.text, promptTokens: this.row.promptIds.length, completionTokens: this.generated.length, finishReason: reason, computeMs: this.computeMs });
  }

  fail(error: Error): void {
    this.reject(error);
  }
}

/**
 * @module platform/serve/local/local-runner
 * A base model served from this process: a Llama loaded by the inference layer's `loadLocalModel` (HF folder,
 * GGUF, llama2.c .bin, a Hub id from the cache, or tiny-random), plus any number of LoRA adapters applied per
 * row through MultiAdapterLinear. Chat prompts go through the inference layer's `chatPrompt`, which renders
 * them exactly as training did (chat template, else the plain template with its turn header as a stop string),
 * so a fine-tuned adapter sees the format it learned. Generation runs in one continuous-batching DecodeLoop
 * per base model: requests join and leave between decode steps.
 */
import { SlingError } from '../../../core/errors.ts';
import type { Llama } from '../../../engine/models/llama.ts';
import type { Tokenizer } from '../../../engine/models/tokenizer/tokenizer.ts';
import { loadAdapter } from '../../../engine/train/adapter/apply-adapter.ts';
import { adapterScale } from '../../../engine/train/adapter/lora-adapter.ts';
import { chatPrompt } from '../../inference/chat-prompt.ts';
import { loadLocalModel } from '../../inference/local-model.ts';
import type { AdapterSource, BaseModelRunner, BaseModelSpec, BatchStats, GenerationOutput, GenerationRow, LoadedAdapter, Prompt } from '../serving-model.ts';
import { DecodeLoop } from './decode-loop.ts';
import { MultiAdapterLinear, type LowRankUpdate } from './multi-adapter-linear.ts';

export interface LocalRunnerOptions {
  /** Most requests decoding at once, i.e. rows per decode step (default 16); more wait for a free slot. */
  maxBatchSize?: number;
}

export class LocalRunner implements BaseModelRunner {
  readonly perRowAdapters = true;
  readonly contextLength: number;
  readonly maxBatchSize: number;
  private readonly wrappers = new Map<string, MultiAdapterLinear>();
  private readonly loop: DecodeLoop;

  constructor(
    readonly name: string,
    readonly model: Llama,
    readonly tokenizer: Tokenizer,
    readonly chatTemplate: string | undefined,
    options: LocalRunnerOptions = {},
  ) {
    this.contextLength = model.config.maxPositionEmbeddings;
    this.maxBatchSize = options.maxBatchSize ?? 16;
    this.loop = new DecodeLoop(model, tokenizer, this.wrappers, this.contextLength, this.maxBatchSize);
  }

  get batchStats(): BatchStats {
    return this.loop.stats;
  }

  /** Token ids of a prompt (BOS first, as in training) and the stop strings its template implies. */
  prompt(prompt: Prompt): { ids: number[]; stop: string[] } {
    if (prompt.kind === 'text') return { ids: this.tokenizer.encode(prompt.text, { addBos: true }), stop: [] };
    const rendered = chatPrompt(prompt.messages, this.tokenizer, this.chatTemplate);
    return { ids: rendered.ids, stop: rendered.stopStrings };
  }

  /** Rows join the running decode loop (with any other calls' rows) and leave it as each one finishes. */
  async generateBatch(rows: GenerationRow[]): Promise<(GenerationOutput | Error)[]> {
    return Promise.all(rows.map(async (row) => {
      try {
        const { ids, stop } = this.prompt(row.prompt);
        return await this.loop.submit({
          promptIds: ids,
          params: stop.length ? { ...row.params, stop: [...row.params.stop, ...stop] } : row.params,
          adapter: (row.adapter?.handle as Map<string, LowRankUpdate> | undefined) ?? null,
          onText: row.onText,
          signal: row.signal,
        });
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    }));
  }

  async loadAdapter(source: AdapterSource): Promise<LoadedAdapter> {
    const folder = source.path;
    const adapter = loadAdapter(folder, this.model.config);
    const scale = adapterScale(adapter.config);
    const updates = new Map<string, LowRankUpdate>();
    const modules = new Map(this.model.linearModules());
    let bytes = 0;
    for (const [name, pair] of adapter.layers) {
      const existing = modules.get(name);
      if (!existing) {
        throw new SlingError('adapter_invalid', `the adapter changes ${name}, which base model '${this.name}' does not have`, { file: folder, field: name, hint: 'was it trained on a different base model?' });
      }
      if (!this.wrappers.has(name)) {
        const wrapper = existing instanceof MultiAdapterLinear ? existing : new MultiAdapterLinear(existing, pair.inFeatures, pair.outFeatures);
        this.model.replaceLinear(name, () => wrapper);
        this.wrappers.set(name, wrapper);
      }
      const wrapper = this.wrappers.get(name)!;
      if (wrapper.inFeatures !== pair.inFeatures || wrapper.outFeatures !== pair.outFeatures) {
        throw new SlingError('adapter_invalid', `${name}: adapter is ${pair.outFeatures}×${pair.inFeatures}, the base layer ${wrapper.outFeatures}×${wrapper.inFeatures}`, { file: folder, field: name });
      }
      updates.set(name, { a: pair.a, b: pair.b, rank: adapter.config.r, scale });
      bytes += (pair.a.length + pair.b.length) * 4;
    }
    return { name: source.name, bytes, handle: updates };
  }
}

/** A base model spec for `sling serve --model NAME=PATH` (PATH: a file or folder, a Hub id, or `tiny-random`). */
export function localModelSpec(name: string, path: string, options: LocalRunnerOptions & { tokenizerPath?: string; seed?: number; dtype?: 'f32' | 'bf16' } = {}): BaseModelSpec {
  return {
    name,
    path,
    load: async () => {
      const local = await loadLocalModel(path, { tokenizerPath: options.tokenizerPath, seed: options.seed, dtype: options.dtype });
      return new LocalRunner(name, local.model, local.tokenizer, local.chatTemplate, options);
    },
  };
}

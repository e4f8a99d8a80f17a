/**
 * @module platform/serve/local/local-runner
 * A base model served from this process: a Llama loaded from a checkpoint (HF folder, GGUF, llama2.c .bin) or
 * the built-in tiny-random model, plus any number of LoRA adapters applied per row through
 * MultiAdapterLinear. Chat prompts are rendered exactly as training renders them (the model's chat template,
 * else the plain template of engine/train), so a fine-tuned adapter sees the format it learned.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SlingError } from '../../../core/errors.ts';
import { loadCheckpoint } from '../../../engine/models/load-checkpoint.ts';
import type { Llama } from '../../../engine/models/llama.ts';
import { modelFromCheckpoint } from '../../../engine/models/model-builders.ts';
import { createTinyRandomModel, TINY_RANDOM_NAME } from '../../../engine/models/tiny-random.ts';
import { renderChatTemplate } from '../../../engine/models/tokenizer/chat-template.ts';
import type { Tokenizer } from '../../../engine/models/tokenizer/tokenizer.ts';
import { adapterScale } from '../../../engine/train/adapter/lora-adapter.ts';
import { readPeftAdapter } from '../../../engine/train/adapter/peft-adapter.ts';
import { renderPlain } from '../../../engine/train/data/render-example.ts';
import type { AdapterSource, BaseModelRunner, BaseModelSpec, GenerationOutput, GenerationRow, LoadedAdapter, Prompt } from '../serving-model.ts';
import { decodeBatch } from './batch-decode.ts';
import { MultiAdapterLinear, type LowRankUpdate } from './multi-adapter-linear.ts';

export interface LocalRunnerOptions {
  /** Largest batch per forward pass (default 16). */
  maxBatchSize?: number;
}

export class LocalRunner implements BaseModelRunner {
  readonly perRowAdapters = true;
  readonly contextLength: number;
  readonly maxBatchSize: number;
  private readonly wrappers = new Map<string, MultiAdapterLinear>();

  constructor(
    readonly name: string,
    readonly model: Llama,
    readonly tokenizer: Tokenizer,
    readonly chatTemplate: string | undefined,
    options: LocalRunnerOptions = {},
  ) {
    this.contextLength = model.config.maxPositionEmbeddings;
    this.maxBatchSize = options.maxBatchSize ?? 16;
  }

  /** Token ids of a prompt, with BOS first as in training (engine/train/data/tokenize-example.ts). */
  promptIds(prompt: Prompt): number[] {
    if (prompt.kind === 'text') return this.tokenizer.encode(prompt.text, { addBos: true });
    const text = this.chatTemplate
      ? renderChatTemplate(this.chatTemplate, prompt.messages, { addGenerationPrompt: true })
      : renderPlain(prompt.messages, true);
    return this.tokenizer.encode(text, { addBos: true });
  }

  async generateBatch(rows: GenerationRow[]): Promise<(GenerationOutput | Error)[]> {
    const started = performance.now();
    const decodeRows = rows.map((row) => ({
      promptIds: this.promptIds(row.prompt),
      params: row.params,
      adapter: (row.adapter?.handle as Map<string, LowRankUpdate> | undefined) ?? null,
      onText: row.onText,
      signal: row.signal,
    }));
    const results = await decodeBatch(this.model, this.tokenizer, this.wrappers, decodeRows, this.contextLength);
    const computeMs = (performance.now() - started) / rows.length;
    return results.map((result) => (result instanceof Error ? result : { ...result, computeMs }));
  }

  async loadAdapter(source: AdapterSource): Promise<LoadedAdapter> {
    const runAdapter = join(source.path, 'adapter');
    const folder = existsSync(join(runAdapter, 'adapter_config.json')) ? runAdapter : source.path;
    const adapter = readPeftAdapter(folder, this.model.config);
    const scale = adapterScale(adapter.config);
    const updates = new Map<string, LowRankUpdate>();
    const modules = new Map(this.model.linearModules());
    let bytes = 0;
    for (const [name, pair] of adapter.layers) {
      const existing = modules.get(name);
      if (!existing) {
        throw new SlingError('ADAPTER_INVALID', `the adapter changes ${name}, which base model '${this.name}' does not have`, { file: folder, field: name, hint: 'was it trained on a different base model?' });
      }
      if (!this.wrappers.has(name)) {
        const wrapper = existing instanceof MultiAdapterLinear ? existing : new MultiAdapterLinear(existing, pair.inFeatures, pair.outFeatures);
        this.model.replaceLinear(name, () => wrapper);
        this.wrappers.set(name, wrapper);
      }
      const wrapper = this.wrappers.get(name)!;
      if (wrapper.inFeatures !== pair.inFeatures || wrapper.outFeatures !== pair.outFeatures) {
        throw new SlingError('ADAPTER_INVALID', `${name}: adapter is ${pair.outFeatures}×${pair.inFeatures}, the base layer ${wrapper.outFeatures}×${wrapper.inFeatures}`, { file: folder, field: name });
      }
      updates.set(name, { a: pair.a, b: pair.b, rank: adapter.config.r, scale });
      bytes += (pair.a.length + pair.b.length) * 4;
    }
    return { name: source.name, bytes, handle: updates };
  }
}

/** A base model spec for `sling serve --model NAME=PATH` (PATH may be `tiny-random`). */
export function localModelSpec(name: string, path: string, options: LocalRunnerOptions & { tokenizerPath?: string; seed?: number } = {}): BaseModelSpec {
  return {
    name,
    path,
    load: async () => {
      if (path === TINY_RANDOM_NAME) {
        const tiny = createTinyRandomModel({ seed: options.seed ?? 0 });
        return new LocalRunner(name, tiny.model, tiny.tokenizer, tiny.chatTemplate, options);
      }
      const checkpoint = await loadCheckpoint(path, { tokenizerPath: options.tokenizerPath });
      return new LocalRunner(name, modelFromCheckpoint(checkpoint, { dtype: 'f32' }), checkpoint.tokenizer, checkpoint.chatTemplate, options);
    },
  };
}

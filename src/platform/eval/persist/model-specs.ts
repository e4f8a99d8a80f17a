/**
 * @module platform/eval/persist/model-specs
 * Turns what the user typed after `--models` into ChatModels:
 *   NAME                          a model registered in the workspace (base, adapter or remote)
 *   openai:MODEL@BASE_URL         any OpenAI-compatible endpoint (key from --api-key-env)
 *   baseline:tfidf | baseline:majority | baseline:gazetteer   classical baselines trained on the train split
 *   baseline:rouge-judge          the model-free reference-overlap judge (for --judge)
 * Local models are loaded lazily so evaluating remote models never loads the engine.
 */
import { SlingError } from '../../../core/errors.ts';
import type { Store } from '../../store/store.ts';
import type { ChatModel, ModelPricing } from '../chat-model.ts';
import type { EvalRow } from '../eval-row.ts';
import { createOpenAiChatModel } from '../clients/openai-chat-model.ts';
import { trainTfidfClassifier } from '../baselines/tfidf-classifier.ts';
import { trainMajorityClass } from '../baselines/majority-class.ts';
import { trainGazetteer } from '../baselines/gazetteer-ner.ts';
import { referenceOverlapJudge } from '../judge/reference-overlap-judge.ts';

export interface ResolveContext {
  store: Store;
  /** Train rows for baselines (loaded only if a baseline is asked for). */
  trainRows: () => Promise<EvalRow[]>;
  apiKeyEnv?: string;
  prices?: Record<string, ModelPricing>;
  concurrency?: number;
}

/** `--price name=0.15/0.6` (dollars per million input/output tokens). */
export function parsePrice(text: string): [string, ModelPricing] {
  const match = /^(.+)=([\d.]+)\/([\d.]+)$/.exec(text.trim());
  if (!match) throw new SlingError('invalid_price', `cannot read price "${text}"`, { field: '--price', hint: 'write MODEL=INPUT/OUTPUT dollars per 1M tokens, e.g. gpt-4o-mini=0.15/0.6' });
  return [match[1], { inputPerMillion: Number(match[2]), outputPerMillion: Number(match[3]) }];
}

async function baseline(kind: string, context: ResolveContext): Promise<ChatModel> {
  const rows = kind === 'rouge-judge' ? [] : await context.trainRows();
  if (kind === 'tfidf') return trainTfidfClassifier(rows, { name: 'baseline:tfidf' });
  if (kind === 'majority') return trainMajorityClass(rows, 'baseline:majority');
  if (kind === 'gazetteer') return trainGazetteer(rows, { name: 'baseline:gazetteer' });
  if (kind === 'rouge-judge') return referenceOverlapJudge('baseline:rouge-judge');
  throw new SlingError('unknown_baseline', `no baseline called "${kind}"`, { field: '--models', hint: 'use baseline:tfidf, baseline:majority, baseline:gazetteer or baseline:rouge-judge' });
}

export async function resolveModelSpec(spec: string, context: ResolveContext): Promise<ChatModel> {
  const withPrice = (model: ChatModel): ChatModel => {
    const pricing = context.prices?.[model.name] ?? context.prices?.[spec];
    return pricing ? Object.assign(model, { pricing }) : model;
  };
  if (spec.startsWith('baseline:')) return withPrice(await baseline(spec.slice('baseline:'.length), context));
  if (spec.startsWith('openai:')) {
    const rest = spec.slice('openai:'.length);
    const at = rest.indexOf('@');
    if (at <= 0) throw new SlingError('invalid_model_spec', `"${spec}" needs a base URL`, { field: '--models', hint: 'write openai:MODEL@https://host/v1' });
    const model = rest.slice(0, at);
    return withPrice(createOpenAiChatModel({ baseUrl: rest.slice(at + 1), model, name: model, apiKeyEnv: context.apiKeyEnv, concurrency: context.concurrency }));
  }
  const record = await context.store.models.get(spec);
  if (!record) {
    throw new SlingError('model_not_found', `no model named "${spec}" in this workspace`, {
      field: '--models',
      hint: 'list models with `sling models list`, or use openai:MODEL@URL or baseline:tfidf',
    });
  }
  const config = record.config as { model?: string; apiKeyEnv?: string; pricing?: ModelPricing; base?: string };
  if (record.kind === 'remote') {
    return withPrice(
      createOpenAiChatModel({ baseUrl: record.uri, model: config.model ?? record.name, name: record.name, apiKeyEnv: config.apiKeyEnv ?? context.apiKeyEnv, pricing: config.pricing, concurrency: context.concurrency }),
    );
  }
  const { loadLocalModel } = await import('../../inference/local-model.ts');
  const { LocalChatModel } = await import('../../inference/local-chat-model.ts');
  const local =
    record.kind === 'adapter'
      ? await loadLocalModel(config.base ?? record.uri, { adapterPath: record.uri })
      : await loadLocalModel(record.uri);
  const model = new LocalChatModel({ ...local, name: record.name });
  return withPrice(Object.assign(model, { pricing: config.pricing }));
}

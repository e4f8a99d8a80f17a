/**
 * @module platform/quickstart/choose-base-model
 * Which base model the quickstart fine-tunes: the user's `--model` (a path or Hub id), else a small
 * instruction-tuned Hub model when the Hub is reachable, else — said plainly — the tiny freshly initialised
 * model, so the loop still runs end to end offline.
 */
import { resolveModel } from '../../engine/models/hub/resolve-model.ts';
import type { PullOptions } from '../../engine/models/hub/hub-pull.ts';
import { TINY_RANDOM_NAME } from '../../engine/models/tiny-random.ts';

export const DEFAULT_HUB_MODEL = 'HuggingFaceTB/SmolLM2-135M-Instruct';

export interface BaseModelChoice {
  /** What to pass to training and inference: a local path, or "tiny-random". */
  uri: string;
  /** Name for tables and the dashboard. */
  name: string;
  /** True when this is the untrained fallback: its scores show the loop works, not what a real model does. */
  untrained: boolean;
  /** One line telling the user what was chosen and why. */
  notice: string;
}

export async function chooseBaseModel(requested: string | undefined, pull: PullOptions = {}): Promise<BaseModelChoice> {
  if (requested === TINY_RANDOM_NAME) {
    return { uri: TINY_RANDOM_NAME, name: TINY_RANDOM_NAME, untrained: true, notice: 'base model: tiny-random (freshly initialised, untrained), as requested' };
  }
  if (requested) {
    const uri = await resolveModel(requested, pull);
    return { uri, name: shortName(requested), untrained: false, notice: `base model: ${requested}${uri === requested ? '' : ` (${uri})`}` };
  }
  try {
    const uri = await resolveModel(DEFAULT_HUB_MODEL, pull);
    return { uri, name: shortName(DEFAULT_HUB_MODEL), untrained: false, notice: `base model: ${DEFAULT_HUB_MODEL} (no --model given)` };
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      uri: TINY_RANDOM_NAME,
      name: TINY_RANDOM_NAME,
      untrained: true,
      notice:
        `No --model given and ${DEFAULT_HUB_MODEL} could not be downloaded (${reason}).\n` +
        'Falling back to tiny-random: a tiny freshly initialised model (untrained, byte-level tokenizer). ' +
        'Its numbers show that the loop works, not what a real model achieves; pass --model PATH|HUB_ID for that.',
    };
  }
}

function shortName(pathOrId: string): string {
  const trimmed = pathOrId.replace(/[\\/]+$/, '');
  const last = trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
  return last.replace(/\.(gguf|bin|safetensors)$/, '') || trimmed;
}

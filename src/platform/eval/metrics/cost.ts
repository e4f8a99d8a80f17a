/**
 * @module platform/eval/metrics/cost
 * What a model's answers cost. Priced models (remote APIs, or any model given a price) cost tokens × price
 * per million. Local models without a price are charged for the compute time they measured, at a
 * configurable dollars-per-CPU-hour rate, so a fine-tune on a laptop and a hosted API land in one column.
 */
import type { ChatModelKind, ModelPricing } from '../chat-model.ts';

/** Default rate for local compute: about what one vCPU-hour of a general-purpose cloud VM costs. */
export const DEFAULT_DOLLARS_PER_CPU_HOUR = 0.05;

export interface UsageRecord {
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  computeMs?: number;
}

export interface CostOptions {
  kind: ChatModelKind;
  pricing?: ModelPricing;
  dollarsPerCpuHour?: number;
}

export interface CostSummary {
  totalDollars: number;
  /** How the number was obtained, shown next to it in reports. */
  basis: 'tokens' | 'compute' | 'none';
}

export function costOf(usage: readonly UsageRecord[], options: CostOptions): CostSummary {
  if (options.pricing) {
    let dollars = 0;
    for (const record of usage) {
      dollars += (record.inputTokens * options.pricing.inputPerMillion + record.outputTokens * options.pricing.outputPerMillion) / 1e6;
    }
    return { totalDollars: dollars, basis: 'tokens' };
  }
  if (options.kind === 'remote') return { totalDollars: Number.NaN, basis: 'none' };
  const rate = options.dollarsPerCpuHour ?? DEFAULT_DOLLARS_PER_CPU_HOUR;
  let milliseconds = 0;
  for (const record of usage) milliseconds += record.computeMs ?? record.latencyMs;
  return { totalDollars: (milliseconds / 3_600_000) * rate, basis: 'compute' };
}

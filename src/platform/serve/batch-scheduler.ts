/**
 * @module platform/serve/batch-scheduler
 * The HTTP layer's door to one base model: every request goes straight to the runner, which batches
 * continuously (requests join the running decode loop between steps, whatever adapter they use, and leave as
 * each one finishes), so there is no gather window or hold here that would add latency. It counts requests
 * waiting for their answer and exposes the runner's batch statistics for /metrics.
 */
import type { BaseModelRunner, BatchStats, GenerationOutput, GenerationRow } from './serving-model.ts';

export type { BatchStats } from './serving-model.ts';

export class BatchScheduler {
  private pending = 0;

  constructor(private readonly runner: BaseModelRunner) {}

  async submit(row: GenerationRow): Promise<GenerationOutput> {
    this.pending += 1;
    try {
      const [output] = await this.runner.generateBatch([row]);
      if (output instanceof Error) throw output;
      if (output === undefined) throw new Error('the model returned no output for this request');
      return output;
    } finally {
      this.pending -= 1;
    }
  }

  /** Requests submitted and not answered yet. */
  get inProgress(): number {
    return this.pending;
  }

  get stats(): BatchStats {
    return this.runner.batchStats;
  }
}

/**
 * @module platform/serve/batch-scheduler
 * Collects concurrent requests for one base model into batches. While a batch is generating, new requests
 * queue; when it finishes, everything queued (up to the runner's batch size, whatever adapters the rows use)
 * goes into the next `generateBatch` call. A short gather window lets requests that arrive together share the
 * first batch too. Batch sizes are recorded so the server can report how well batching works.
 */
import type { BaseModelRunner, GenerationOutput, GenerationRow } from './serving-model.ts';

interface Pending {
  row: GenerationRow;
  resolve(output: GenerationOutput): void;
  reject(error: Error): void;
}

export interface BatchStats {
  batches: number;
  rows: number;
  largestBatch: number;
  /** Batches that mixed two or more different adapters (or base + adapter). */
  mixedAdapterBatches: number;
}

export class BatchScheduler {
  private readonly queue: Pending[] = [];
  private running = false;
  readonly stats: BatchStats = { batches: 0, rows: 0, largestBatch: 0, mixedAdapterBatches: 0 };

  constructor(
    private readonly runner: BaseModelRunner,
    private readonly gatherMs = 2,
  ) {}

  submit(row: GenerationRow): Promise<GenerationOutput> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  get queued(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      await new Promise((resolve) => setTimeout(resolve, this.gatherMs));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, Math.max(1, this.runner.maxBatchSize));
        this.record(batch);
        try {
          const outputs = await this.runner.generateBatch(batch.map((pending) => pending.row));
          batch.forEach((pending, index) => {
            const output = outputs[index];
            if (output instanceof Error) pending.reject(output);
            else if (output === undefined) pending.reject(new Error('the model returned no output for this request'));
            else pending.resolve(output);
          });
        } catch (error) {
          for (const pending of batch) pending.reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    } finally {
      this.running = false;
    }
  }

  private record(batch: Pending[]): void {
    this.stats.batches += 1;
    this.stats.rows += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    const adapters = new Set(batch.map((pending) => pending.row.adapter?.name ?? ''));
    if (adapters.size > 1) this.stats.mixedAdapterBatches += 1;
  }
}

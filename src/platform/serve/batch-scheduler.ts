/**
 * @module platform/serve/batch-scheduler
 * Groups concurrent requests for one base model into batches. Requests that arrive together share one
 * `generateBatch` call, whatever adapters they use: the gather window starts short and is extended while more
 * requests keep arriving (clients answered by one batch come back as a burst), up to a limit. While batches
 * are running, new requests are held a little (until a running batch ends, or `holdMs`) so they can start
 * together with the requests that batch's clients send next, instead of as many small batches. A request that arrives while
 * batches are running does not wait for them to finish: it starts a new batch at once if the runner has room
 * for more rows in flight, and the running batches interleave step by step (continuous batching at batch
 * granularity), so one long generation never blocks short ones. Batch sizes are recorded for /metrics.
 */
import type { BaseModelRunner, GenerationOutput, GenerationRow } from './serving-model.ts';

interface Pending {
  row: GenerationRow;
  queuedAt: number;
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
  private gathering = false;
  /** Called when a batch ends (wakes a held queue). */
  private batchEnded: (() => void)[] = [];
  /** Rows in batches that are generating now. */
  private inFlight = 0;
  readonly stats: BatchStats = { batches: 0, rows: 0, largestBatch: 0, mixedAdapterBatches: 0 };

  constructor(
    private readonly runner: BaseModelRunner,
    /** Quiet time that closes the gather window. */
    private readonly gatherMs = 2,
    /** Longest a gather window may be extended by a continuing burst. */
    private readonly maxGatherMs = 15,
    /** Longest a request waits for running batches to end before it starts a batch beside them. */
    private readonly holdMs = 100,
    /** Most rows generating at once, over all running batches (default: four times the runner's batch size). */
    private readonly maxRowsInFlight = 4 * Math.max(1, runner.maxBatchSize),
  ) {}

  submit(row: GenerationRow): Promise<GenerationOutput> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, queuedAt: performance.now(), resolve, reject });
      void this.schedule();
    });
  }

  get queued(): number {
    return this.queue.length;
  }

  get running(): number {
    return this.inFlight;
  }

  /** After the gather window, starts batches for queued rows while there is room. */
  private async schedule(): Promise<void> {
    if (this.gathering) return;
    this.gathering = true;
    const opened = performance.now();
    let seen = -1;
    // Close the window once no request arrived for gatherMs, a batch is full, or maxGatherMs passed.
    while (this.queue.length !== seen && this.queue.length < this.runner.maxBatchSize && performance.now() - opened < this.maxGatherMs) {
      seen = this.queue.length;
      await new Promise((resolve) => setTimeout(resolve, this.gatherMs));
    }
    for (;;) {
      const waited = this.queue.length ? performance.now() - this.queue[0].queuedAt : Infinity;
      if (this.inFlight === 0 || this.queue.length >= this.runner.maxBatchSize || waited >= this.holdMs) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.holdMs - waited);
        this.batchEnded.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      // A batch just ended: its clients' next requests arrive as a burst; let them join.
      if (this.inFlight === 0) await new Promise((resolve) => setTimeout(resolve, this.gatherMs));
    }
    this.gathering = false;
    while (this.queue.length > 0 && this.inFlight < this.maxRowsInFlight) {
      const room = Math.min(Math.max(1, this.runner.maxBatchSize), this.maxRowsInFlight - this.inFlight);
      void this.run(this.queue.splice(0, room));
    }
  }

  private async run(batch: Pending[]): Promise<void> {
    this.record(batch);
    this.inFlight += batch.length;
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
    } finally {
      this.inFlight -= batch.length;
      for (const wake of this.batchEnded.splice(0)) wake();
      if (this.queue.length > 0) void this.schedule();
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

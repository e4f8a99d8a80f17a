/**
 * @module platform/fleet/job-bus
 * pg-boss as the fleet's delivery layer on PostgreSQL. The store's jobs table stays the record of every job
 * (status, attempts, heartbeats, logs, metrics, results); pg-boss carries one message per queued job to whichever
 * `sling worker` fetches it first, with its own retries, so idle workers on any machine wake at once instead of
 * polling. A message only says "job N is waiting": the worker then claims through the store (atomic, FOR UPDATE
 * SKIP LOCKED), which is what guarantees a job runs once even if pg-boss delivers a message twice.
 */
import PgBoss from 'pg-boss';
import type { Job } from '../store/records.ts';

/** Job kinds that go through the fleet (the ones long enough to be worth another machine). */
export const FLEET_KINDS = ['train', 'eval', 'sweep-trial', 'fine-tune', 'export'];

export interface JobMessage {
  jobId: number;
}

const queueName = (kind: string) => `sling-${kind}`;

export class JobBus {
  private constructor(private readonly boss: PgBoss) {}

  /** Connects (creating pg-boss's schema and the queues on first use). */
  static async open(databaseUrl: string, options: { schema?: string; onError?: (error: Error) => void } = {}): Promise<JobBus> {
    const boss = new PgBoss({ connectionString: databaseUrl, schema: options.schema ?? 'sling_pgboss', supervise: true });
    // pg-boss reports connection loss here and keeps retrying; without a listener Node would crash on 'error'.
    boss.on('error', (error) => options.onError?.(error));
    await boss.start();
    for (const kind of FLEET_KINDS) {
      if (!(await boss.getQueue(queueName(kind)))) await boss.createQueue(queueName(kind)).catch(() => undefined); // another process may win the race
    }
    return new JobBus(boss);
  }

  /** Tells the fleet a stored job is waiting. */
  async announce(job: Pick<Job, 'id' | 'kind'>): Promise<void> {
    await this.boss.send(queueName(job.kind), { jobId: job.id } satisfies JobMessage, { retryLimit: 10, retryDelay: 2, expireInSeconds: 3600 });
  }

  /** Calls `onMessage` for each message of these kinds, one at a time per kind. */
  async listen(kinds: string[], onMessage: (message: JobMessage, kind: string) => Promise<void>): Promise<void> {
    for (const kind of kinds) {
      await this.boss.work<JobMessage>(queueName(kind), { pollingIntervalSeconds: 0.5, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) await onMessage(job.data, kind);
      });
    }
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
  }
}

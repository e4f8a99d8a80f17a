/**
 * @module platform/fleet/job-bus
 * pg-boss as the fleet's delivery layer on PostgreSQL. The store's jobs table stays the record of every job
 * (status, attempts, heartbeats, logs, metrics, results); pg-boss carries one message per queued job to whichever
 * `sling worker` fetches it first, with its own retries, so idle workers on any machine wake at once instead of
 * polling. A message only says "job N is waiting": the worker then claims through the store (atomic, FOR UPDATE
 * SKIP LOCKED), which is what guarantees a job runs once even if pg-boss delivers a message twice.
 *
 * One queue per job kind (`sling-<kind>`), created on first use. pg-boss keeps its tables in their own schema:
 * `sling_pgboss`, or `<schema>_pgboss` when the database URL puts the store in another schema
 * (`?options=-c search_path=<schema>`), so two workspaces sharing a database never wake each other's workers.
 */
import PgBoss from 'pg-boss';
import type { Job } from '../store/records.ts';

export interface JobMessage {
  jobId: number;
}

const queueName = (kind: string) => `sling-${kind.replace(/[^\w-]/g, '_')}`;

/** The schema pg-boss uses for the store at this URL. */
export function pgBossSchemaFor(databaseUrl: string): string {
  let options: string | null = null;
  try {
    options = new URL(databaseUrl).searchParams.get('options');
  } catch {
    // a key=value connection string: the default schema
  }
  const storeSchema = /search_path\s*=\s*([A-Za-z_]\w*)/.exec(options ?? '')?.[1];
  return storeSchema && storeSchema !== 'public' ? `${storeSchema}_pgboss`.slice(0, 63) : 'sling_pgboss';
}

export class JobBus {
  private readonly queues = new Set<string>();

  private constructor(private readonly boss: PgBoss) {}

  /** Connects (creating pg-boss's schema on first use). */
  static async open(databaseUrl: string, options: { schema?: string; onError?: (error: Error) => void } = {}): Promise<JobBus> {
    const boss = new PgBoss({ connectionString: databaseUrl, schema: options.schema ?? pgBossSchemaFor(databaseUrl), supervise: true });
    // pg-boss reports connection loss here and keeps retrying; without a listener Node would crash on 'error'.
    boss.on('error', (error) => options.onError?.(error));
    await boss.start();
    return new JobBus(boss);
  }

  private async ensureQueue(kind: string): Promise<string> {
    const name = queueName(kind);
    if (!this.queues.has(name)) {
      if (!(await this.boss.getQueue(name))) await this.boss.createQueue(name).catch(() => undefined); // another process may win the race
      this.queues.add(name);
    }
    return name;
  }

  /** Tells the fleet a stored job is waiting. */
  async announce(job: Pick<Job, 'id' | 'kind'>): Promise<void> {
    await this.boss.send(await this.ensureQueue(job.kind), { jobId: job.id } satisfies JobMessage, { retryLimit: 10, retryDelay: 2, expireInSeconds: 3600 });
  }

  /** Calls `onMessage` for each message of these kinds, one at a time per kind. */
  async listen(kinds: string[], onMessage: (message: JobMessage, kind: string) => Promise<void>): Promise<void> {
    for (const kind of kinds) {
      await this.boss.work<JobMessage>(await this.ensureQueue(kind), { pollingIntervalSeconds: 0.5, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) await onMessage(job.data, kind);
      });
    }
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: false, wait: true, close: true }).catch(() => undefined);
  }
}

/**
 * @module platform/store/job-repository
 * The job queue, its logs and metrics. Claiming is one UPDATE ... RETURNING on the oldest queued job, so two
 * workers (threads or processes) can never get the same job: SQLite serialises writers, PostgreSQL skips rows
 * another transaction has locked. Only the worker that holds a job (matching worker id while running) may
 * heartbeat or finish it, so a worker that was presumed dead cannot overwrite the work of its replacement.
 */
import { SlingError } from '../../core/errors.ts';
import { jsonOrNull, numberOrNull, parseJson, parseJsonOrNull } from './columns.ts';
import type { Job, JobLogLine, JobStatus, JsonObject, RunMetric } from './records.ts';
import type { SqlRunner, SqlValue } from './sql-driver.ts';

export interface NewJob {
  kind: string;
  payload?: JsonObject;
  /** How many times a job may be claimed before a stale one is failed instead of re-queued (default 3). */
  maxAttempts?: number;
}

export interface JobFilter {
  status?: JobStatus;
  kind?: string;
  limit?: number;
}

export type JobOutcome =
  | { status: 'succeeded'; result?: JsonObject }
  | { status: 'failed'; error: string }
  | { status: 'cancelled'; error?: string };

function toJob(row: Record<string, unknown>): Job {
  return {
    id: Number(row.id),
    kind: String(row.kind),
    status: row.status as JobStatus,
    payload: parseJson<JsonObject>(row.payload),
    progress: parseJsonOrNull<JsonObject>(row.progress),
    result: parseJsonOrNull<JsonObject>(row.result),
    error: (row.error as string | null) ?? null,
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    workerId: (row.worker_id as string | null) ?? null,
    heartbeatAt: numberOrNull(row.heartbeat_at),
    createdAt: Number(row.created_at),
    startedAt: numberOrNull(row.started_at),
    finishedAt: numberOrNull(row.finished_at),
  };
}

export class JobRepository {
  constructor(private readonly sql: SqlRunner) {}

  async enqueue(job: NewJob): Promise<Job> {
    const [row] = await this.sql.query(
      `INSERT INTO jobs (kind, status, payload, attempts, max_attempts, created_at)
       VALUES (?, 'queued', ?, 0, ?, ?) RETURNING *`,
      [job.kind, JSON.stringify(job.payload ?? {}), job.maxAttempts ?? 3, Date.now()],
    );
    return toJob(row);
  }

  async get(id: number): Promise<Job | null> {
    const [row] = await this.sql.query('SELECT * FROM jobs WHERE id = ?', [id]);
    return row ? toJob(row) : null;
  }

  /** Like get, but a missing job is an error that names the id. */
  async require(id: number): Promise<Job> {
    const job = await this.get(id);
    if (!job) throw new SlingError('job_not_found', `no job with id ${id}`, { hint: 'list jobs with `sling runs ls`' });
    return job;
  }

  /** Newest first. */
  async list(filter: JobFilter = {}): Promise<Job[]> {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    if (filter.status) {
      conditions.push('status = ?');
      params.push(filter.status);
    }
    if (filter.kind) {
      conditions.push('kind = ?');
      params.push(filter.kind);
    }
    params.push(filter.limit ?? 100);
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows = await this.sql.query(`SELECT * FROM jobs ${where} ORDER BY id DESC LIMIT ?`, params);
    return rows.map(toJob);
  }

  /** Atomically takes the oldest queued job of one of `kinds` (any kind if omitted) for `workerId`. */
  async claim(workerId: string, kinds?: string[]): Promise<Job | null> {
    if (kinds && kinds.length === 0) return null;
    const kindFilter = kinds ? `AND kind IN (${kinds.map(() => '?').join(', ')})` : '';
    const lock = this.sql.dialect === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
    const now = Date.now();
    const [row] = await this.sql.query(
      `UPDATE jobs SET status = 'running', worker_id = ?, attempts = attempts + 1, heartbeat_at = ?,
         started_at = COALESCE(started_at, ?)
       WHERE id = (SELECT id FROM jobs WHERE status = 'queued' ${kindFilter} ORDER BY id LIMIT 1 ${lock})
         AND status = 'queued'
       RETURNING *`,
      [workerId, now, now, ...(kinds ?? [])],
    );
    return row ? toJob(row) : null;
  }

  /**
   * Records that `workerId` is still working on the job. Returns the job's status afterwards: anything other
   * than 'running' (cancelled, or re-queued after being presumed dead) tells the worker to stop.
   */
  async heartbeat(id: number, workerId: string): Promise<JobStatus | 'lost'> {
    const changed = await this.sql.run(
      `UPDATE jobs SET heartbeat_at = ? WHERE id = ? AND worker_id = ? AND status = 'running'`,
      [Date.now(), id, workerId],
    );
    if (changed === 1) return 'running';
    const job = await this.get(id);
    return job && job.workerId === workerId ? job.status : 'lost';
  }

  async setProgress(id: number, progress: JsonObject): Promise<void> {
    await this.sql.run('UPDATE jobs SET progress = ? WHERE id = ?', [JSON.stringify(progress), id]);
  }

  /** Ends a running job held by `workerId`. Returns false (and changes nothing) if the worker no longer holds it. */
  async finish(id: number, workerId: string, outcome: JobOutcome): Promise<boolean> {
    const result = outcome.status === 'succeeded' ? jsonOrNull(outcome.result ?? {}) : null;
    const error = outcome.status === 'succeeded' ? null : (outcome.error ?? null);
    const changed = await this.sql.run(
      `UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = ?
       WHERE id = ? AND worker_id = ? AND status = 'running'`,
      [outcome.status, result, error, Date.now(), id, workerId],
    );
    return changed === 1;
  }

  /** Gives a running job back to the queue (a worker shutting down cleanly); its handler resumes from its checkpoint. */
  async release(id: number, workerId: string): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE jobs SET status = 'queued', worker_id = NULL WHERE id = ? AND worker_id = ? AND status = 'running'`,
      [id, workerId],
    );
    return changed === 1;
  }

  /**
   * Cancels a queued or running job (a running job's worker sees it at its next heartbeat and aborts the handler).
   * Returns the job; cancelling a finished job is an error.
   */
  async cancel(id: number): Promise<Job> {
    const changed = await this.sql.run(
      `UPDATE jobs SET status = 'cancelled', error = 'cancelled by user', finished_at = ?
       WHERE id = ? AND status IN ('queued', 'running')`,
      [Date.now(), id],
    );
    const job = await this.require(id);
    if (changed === 0) {
      throw new SlingError('job_finished', `job ${id} has already finished (${job.status})`);
    }
    return job;
  }

  /**
   * Running jobs whose heartbeat is older than `timeoutMs` lost their worker: put them back in the queue (their
   * handler resumes from its checkpoint), or fail them once they have used up their attempts. Returns the count.
   */
  async requeueStale(timeoutMs: number): Promise<{ requeued: number; failed: number }> {
    const cutoff = Date.now() - timeoutMs;
    const failed = await this.sql.run(
      `UPDATE jobs SET status = 'failed', error = 'worker stopped responding too many times', finished_at = ?
       WHERE status = 'running' AND heartbeat_at < ? AND attempts >= max_attempts`,
      [Date.now(), cutoff],
    );
    const requeued = await this.sql.run(
      `UPDATE jobs SET status = 'queued', worker_id = NULL
       WHERE status = 'running' AND heartbeat_at < ? AND attempts < max_attempts`,
      [cutoff],
    );
    return { requeued, failed };
  }

  // *** logs and metrics ***

  async appendLog(jobId: number, line: string): Promise<void> {
    await this.sql.run('INSERT INTO job_logs (job_id, time, line) VALUES (?, ?, ?)', [jobId, Date.now(), line]);
  }

  /** Log lines in order; `afterId` lets a follower fetch only new lines. */
  async logs(jobId: number, afterId = 0): Promise<JobLogLine[]> {
    const rows = await this.sql.query('SELECT * FROM job_logs WHERE job_id = ? AND id > ? ORDER BY id', [jobId, afterId]);
    return rows.map((row) => ({ id: Number(row.id), jobId: Number(row.job_id), time: Number(row.time), line: String(row.line) }));
  }

  /** One value per (job, name, step): recording a step again (after a resume) replaces it instead of doubling it. */
  async recordMetric(jobId: number, step: number, name: string, value: number): Promise<void> {
    await this.sql.run(
      `INSERT INTO run_metrics (job_id, name, step, value, time) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (job_id, name, step) DO UPDATE SET value = excluded.value, time = excluded.time`,
      [jobId, name, step, value, Date.now()],
    );
  }

  async metrics(jobId: number, name?: string): Promise<RunMetric[]> {
    const rows = name
      ? await this.sql.query('SELECT * FROM run_metrics WHERE job_id = ? AND name = ? ORDER BY name, step', [jobId, name])
      : await this.sql.query('SELECT * FROM run_metrics WHERE job_id = ? ORDER BY name, step', [jobId]);
    return rows.map((row) => ({
      jobId: Number(row.job_id),
      name: String(row.name),
      step: Number(row.step),
      value: Number(row.value),
      time: Number(row.time),
    }));
  }
}

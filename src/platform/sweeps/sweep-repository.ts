/**
 * @module platform/sweeps/sweep-repository
 * Sweeps, trials and rung values in the store (tables from migration 002), written against the store's raw SQL
 * runner like the store's own repositories, so it works the same on SQLite and PostgreSQL.
 * A trial's result is written once: `finishTrial` only changes a trial that is not final yet, which is what keeps
 * "one result per trial" true when a job is retried or two workers race after a presumed death.
 */
import { SlingError } from '../../core/errors.ts';
import type { Store } from '../store/store.ts';
import type { SweepConfig } from './sweep-config.ts';
import type { TrialParameters } from './search-space.ts';

export type SweepStatus = 'running' | 'succeeded' | 'failed' | 'stopped';
export type TrialStatus = 'queued' | 'running' | 'succeeded' | 'pruned' | 'failed' | 'stopped';
export const FINAL_TRIAL_STATUSES: TrialStatus[] = ['succeeded', 'pruned', 'failed', 'stopped'];

export interface Sweep {
  id: number;
  name: string;
  status: SweepStatus;
  config: SweepConfig;
  bestTrialId: number | null;
  summary: Record<string, unknown> | null;
  createdAt: number;
  finishedAt: number | null;
}

export interface Trial {
  id: number;
  sweepId: number;
  number: number;
  parameters: TrialParameters;
  status: TrialStatus;
  jobId: number | null;
  objective: number | null;
  result: Record<string, unknown> | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.parse(String(value)));
const numberOrNull = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function toSweep(row: Record<string, unknown>): Sweep {
  return {
    id: Number(row.id), name: String(row.name), status: row.status as SweepStatus, config: json(row.config), bestTrialId: numberOrNull(row.best_trial_id),
    summary: json(row.summary), createdAt: Number(row.created_at), finishedAt: numberOrNull(row.finished_at),
  };
}

function toTrial(row: Record<string, unknown>): Trial {
  return {
    id: Number(row.id), sweepId: Number(row.sweep_id), number: Number(row.number), parameters: json(row.parameters), status: row.status as TrialStatus,
    jobId: numberOrNull(row.job_id), objective: numberOrNull(row.objective), result: json(row.result), createdAt: Number(row.created_at),
    startedAt: numberOrNull(row.started_at), finishedAt: numberOrNull(row.finished_at),
  };
}

export class SweepRepository {
  constructor(private readonly store: Store) {}

  private get sql() {
    return this.store.runner;
  }

  async create(config: SweepConfig): Promise<Sweep> {
    const [row] = await this.sql.query('INSERT INTO sweeps (name, status, config, created_at) VALUES (?, ?, ?, ?) RETURNING *', [config.name, 'running', JSON.stringify(config), Date.now()]);
    return toSweep(row);
  }

  async get(id: number): Promise<Sweep | null> {
    const [row] = await this.sql.query('SELECT * FROM sweeps WHERE id = ?', [id]);
    return row ? toSweep(row) : null;
  }

  async require(id: number): Promise<Sweep> {
    const sweep = await this.get(id);
    if (!sweep) throw new SlingError('sweep_not_found', `no sweep with id ${id}`, { hint: 'list sweeps with `sling sweep list`' });
    return sweep;
  }

  async list(limit = 50): Promise<Sweep[]> {
    return (await this.sql.query('SELECT * FROM sweeps ORDER BY id DESC LIMIT ?', [limit])).map(toSweep);
  }

  async finish(id: number, status: SweepStatus, bestTrialId: number | null, summary: Record<string, unknown>): Promise<void> {
    await this.sql.run('UPDATE sweeps SET status = ?, best_trial_id = ?, summary = ?, finished_at = ? WHERE id = ?', [status, bestTrialId, JSON.stringify(summary), Date.now(), id]);
  }

  async addTrial(sweepId: number, number: number, parameters: TrialParameters): Promise<Trial> {
    const [row] = await this.sql.query('INSERT INTO sweep_trials (sweep_id, number, parameters, status, created_at) VALUES (?, ?, ?, ?, ?) RETURNING *', [sweepId, number, JSON.stringify(parameters), 'queued', Date.now()]);
    return toTrial(row);
  }

  async setTrialJob(trialId: number, jobId: number): Promise<void> {
    await this.sql.run('UPDATE sweep_trials SET job_id = ? WHERE id = ?', [jobId, trialId]);
  }

  async getTrial(id: number): Promise<Trial | null> {
    const [row] = await this.sql.query('SELECT * FROM sweep_trials WHERE id = ?', [id]);
    return row ? toTrial(row) : null;
  }

  async trials(sweepId: number): Promise<Trial[]> {
    return (await this.sql.query('SELECT * FROM sweep_trials WHERE sweep_id = ? ORDER BY number', [sweepId])).map(toTrial);
  }

  async markTrialRunning(trialId: number): Promise<void> {
    await this.sql.run("UPDATE sweep_trials SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ? AND status IN ('queued', 'running')", [Date.now(), trialId]);
  }

  /** Writes a trial's outcome unless it already has one; returns whether this call wrote it. */
  async finishTrial(trialId: number, outcome: { status: Exclude<TrialStatus, 'queued' | 'running'>; objective?: number | null; result?: Record<string, unknown> }): Promise<boolean> {
    const changed = await this.sql.run(
      "UPDATE sweep_trials SET status = ?, objective = ?, result = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')",
      [outcome.status, outcome.objective ?? null, JSON.stringify(outcome.result ?? {}), Date.now(), trialId],
    );
    return changed > 0;
  }

  /** Records a trial's value at a rung; the first report wins (a resumed trial re-reporting keeps the original). */
  async recordRung(sweepId: number, trialId: number, rung: number, step: number, value: number): Promise<void> {
    await this.sql.run('INSERT INTO sweep_rungs (trial_id, sweep_id, rung, step, value, time) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trial_id, rung) DO NOTHING', [trialId, sweepId, rung, step, value, Date.now()]);
  }

  async rungValue(trialId: number, rung: number): Promise<number | null> {
    const [row] = await this.sql.query<{ value: number }>('SELECT value FROM sweep_rungs WHERE trial_id = ? AND rung = ?', [trialId, rung]);
    return row ? Number(row.value) : null;
  }

  async rungValues(sweepId: number, rung: number): Promise<number[]> {
    return (await this.sql.query<{ value: number }>('SELECT value FROM sweep_rungs WHERE sweep_id = ? AND rung = ?', [sweepId, rung])).map((row) => Number(row.value));
  }

  async rungs(sweepId: number): Promise<{ trialId: number; rung: number; step: number; value: number }[]> {
    const rows = await this.sql.query('SELECT trial_id, rung, step, value FROM sweep_rungs WHERE sweep_id = ? ORDER BY rung, trial_id', [sweepId]);
    return rows.map((row) => ({ trialId: Number(row.trial_id), rung: Number(row.rung), step: Number(row.step), value: Number(row.value) }));
  }
}

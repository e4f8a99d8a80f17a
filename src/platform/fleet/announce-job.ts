/**
 * @module platform/fleet/announce-job
 * A job queued from a short-lived process (`sling eval --background`, `sling runs enqueue`) on a PostgreSQL
 * workspace is announced through pg-boss, so idle `sling worker`s wake for it at once instead of at their next
 * poll. The store already holds the job: if the announcement fails, a worker's safety-net poll still finds it.
 */
import type { Job } from '../store/records.ts';
import type { Workspace } from '../workspace/workspace.ts';
import { JobBus } from './job-bus.ts';

/** The PostgreSQL URL of the workspace's store, or null for an embedded (SQLite) workspace. */
export function fleetDatabaseUrl(workspace: Workspace, env: NodeJS.ProcessEnv = process.env): string | null {
  if (workspace.store.dialect !== 'postgres') return null;
  return env.SLING_DATABASE_URL || workspace.config.database_url || null;
}

/** Announces `job` to the fleet; returns false (and says why through `warn`) when it could not. */
export async function announceToFleet(workspace: Workspace, job: Pick<Job, 'id' | 'kind'>, warn: (line: string) => void = () => undefined): Promise<boolean> {
  const databaseUrl = fleetDatabaseUrl(workspace);
  if (!databaseUrl) return false;
  let bus: JobBus | null = null;
  try {
    bus = await JobBus.open(databaseUrl);
    await bus.announce(job);
    return true;
  } catch (error) {
    warn(`job ${job.id} is queued, but pg-boss could not announce it (${(error as Error).message}); workers will find it at their next poll`);
    return false;
  } finally {
    await bus?.close().catch(() => undefined);
  }
}

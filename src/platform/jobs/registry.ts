/**
 * @module platform/jobs/registry
 * Job handlers by kind. Training, evaluation and export register theirs (`registerJobHandler('train', ...)`);
 * a worker claims only jobs whose kind it has a handler for. Extra handler modules can be loaded at start-up
 * from SLING_JOB_MODULES (paths separated by commas), which is also how tests plug in their own job kinds.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SlingError } from '../../core/errors.ts';
import type { Job, JsonObject } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { Workspace } from '../workspace/workspace.ts';

export interface JobContext<Payload = JsonObject> {
  job: Job;
  payload: Payload;
  /** Appends a line to the job's log (`sling runs logs ID`). */
  log(line: string): Promise<void>;
  /** Replaces the job's progress object (shown by `sling runs show`), e.g. `{ step: 10, of: 100 }`. */
  progress(progress: JsonObject): Promise<void>;
  /** Records a metric value; recording the same (step, name) again replaces it, so a resumed run never doubles. */
  metric(step: number, name: string, value: number): Promise<void>;
  /** This job's own folder (exists); survives restarts, so a handler resumes from what it finds there. */
  checkpointDir: string;
  /** Aborted when the job is cancelled, lost to another worker, or the worker shuts down. */
  signal: AbortSignal;
  store: Store;
  workspace: Workspace;
}

/** Resolves to the job's result (stored as JSON); throwing fails the job with the error's message. */
export type JobHandler<Payload = JsonObject> = (context: JobContext<Payload>) => Promise<JsonObject | void>;

const handlers = new Map<string, JobHandler>();

export function registerJobHandler<Payload = JsonObject>(kind: string, handler: JobHandler<Payload>): void {
  if (handlers.has(kind)) {
    throw new SlingError('duplicate_job_kind', `a handler for job kind "${kind}" is already registered`);
  }
  handlers.set(kind, handler as unknown as JobHandler);
}

export function getJobHandler(kind: string): JobHandler | undefined {
  return handlers.get(kind);
}

export function registeredJobKinds(): string[] {
  return [...handlers.keys()].sort();
}

/** Imports each module (which registers its handlers as a side effect). */
export async function loadJobModules(list: string | undefined): Promise<void> {
  for (const path of (list ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    try {
      await import(pathToFileURL(resolve(path)).href);
    } catch (error) {
      throw new SlingError('job_module_failed', `cannot load job module ${path}: ${(error as Error).message}`, {
        file: path,
        hint: 'SLING_JOB_MODULES is a comma-separated list of module paths',
        cause: error,
      });
    }
  }
}

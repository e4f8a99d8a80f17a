/**
 * @module platform/serve/fine-tuning/routes
 * The OpenAI fine-tuning API on Sling's server: `/v1/files` (upload JSONL for `fine-tune`, list, retrieve, delete,
 * content) and `/v1/fine_tuning/jobs` (create, list, retrieve, cancel, events, checkpoints). A job is a store job of
 * kind `fine-tune`; the server drains those jobs in-process (a worker loop that runs while any are queued and then
 * stops), and `sling worker` processes sharing the store take them too. A finished job's `fine_tuned_model` is a
 * registered adapter, so `/v1/chat/completions` serves it at once.
 */
import type { Hono } from 'hono';
import { z } from 'zod';
import { Worker } from '../../jobs/worker.ts';
import { getJobHandler, registerJobHandler } from '../../jobs/registry.ts';
import type { Workspace } from '../../workspace/workspace.ts';
import { badRequest, notFound } from '../openai-errors.ts';
import type { ServeEnv } from '../exchange-log.ts';
import type { BaseModelSpec } from '../serving-model.ts';
import { fileObject, FineTuningFiles } from './file-store.ts';
import { fineTuneJob, type FineTuneJobPayload } from './fine-tune-job.ts';
import { fineTuningJobId, jobCheckpoints, jobEvents, jobObject, storeJobId } from './job-objects.ts';

if (!getJobHandler('fine-tune')) registerJobHandler<FineTuneJobPayload>('fine-tune', fineTuneJob);

export interface FineTuningRouteOptions {
  workspace: Workspace | null;
  models: BaseModelSpec[];
  /** Run queued fine-tune jobs in this process (default true). */
  runJobs?: boolean;
}

const createSchema = z.object({
  model: z.string().min(1),
  training_file: z.string().min(1),
  validation_file: z.string().min(1).nullish(),
  suffix: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'suffix: up to 40 letters, digits, "-" or "_"').nullish(),
  seed: z.number().int().min(0).nullish(),
  hyperparameters: z
    .object({
      n_epochs: z.union([z.literal('auto'), z.number().int().min(1).max(50)]).optional(),
      batch_size: z.union([z.literal('auto'), z.number().int().min(1).max(256)]).optional(),
      learning_rate_multiplier: z.union([z.literal('auto'), z.number().positive().max(100)]).optional(),
    })
    .nullish(),
});

const auto = <T>(value: T | 'auto' | undefined): T | undefined => (value === 'auto' ? undefined : value);

/** Runs queued fine-tune jobs until none is left, then stops (started again by the next create). */
class Drainer {
  private running: Promise<void> | null = null;
  constructor(private readonly workspace: Workspace) {}

  kick(): void {
    if (this.running) return;
    const worker = new Worker(this.workspace, { kinds: ['fine-tune'], heartbeatIntervalMs: 1000 });
    this.running = (async () => {
      try {
        while (await worker.runOnce()) {
          // run the next one
        }
      } catch (error) {
        console.error(`sling serve: fine-tuning worker: ${(error as Error).message}`);
      } finally {
        this.running = null;
      }
    })();
  }

  /** Resolves when the loop is idle (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

function paginate<T extends { id: string }>(items: T[], after: string | undefined, limit: number) {
  const start = after ? items.findIndex((item) => item.id === after) + 1 : 0;
  const page = items.slice(start, start + limit);
  return { object: 'list' as const, data: page, has_more: start + limit < items.length, first_id: page[0]?.id ?? null, last_id: page.at(-1)?.id ?? null };
}

function limitOf(text: string | undefined): number {
  const limit = text === undefined ? 20 : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('limit must be an integer from 1 to 1000', 'limit');
  return limit;
}

export function registerFineTuningRoutes(app: Hono<ServeEnv>, options: FineTuningRouteOptions): { idle(): Promise<void> } {
  const { workspace } = options;
  if (!workspace) {
    const missing = () => notFound('fine-tuning needs a Sling workspace on the server (run `sling serve` inside one)', null, 'no_workspace');
    for (const path of ['/v1/files', '/v1/files/*', '/v1/fine_tuning/*']) app.all(path, () => { throw missing(); });
    return { idle: async () => undefined };
  }
  const files = new FineTuningFiles(workspace);
  const drainer = new Drainer(workspace);
  if (options.runJobs !== false) queueMicrotask(() => void workspace.store.jobs.list({ kind: 'fine-tune', status: 'queued', limit: 1 }).then((queued) => queued.length && drainer.kick()).catch(() => undefined));

  const requireJob = async (id: string) => {
    const jobId = storeJobId(id);
    const job = jobId === null ? null : await workspace.store.jobs.get(jobId);
    if (!job || job.kind !== 'fine-tune') throw notFound(`No such fine-tuning job: ${id}`, 'fine_tuning_job_id', 'fine_tune_not_found');
    return job;
  };

  app.post('/v1/files', async (c) => {
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File)) throw badRequest('send the file as multipart form field "file"', 'file', 'missing_required_parameter');
    const purpose = typeof body.purpose === 'string' ? body.purpose : '';
    return c.json(fileObject(await files.upload(file.name || 'upload.jsonl', purpose, Buffer.from(await file.arrayBuffer()))));
  });
  app.get('/v1/files', async (c) => {
    const purpose = c.req.query('purpose');
    const list = (await files.list()).filter((file) => !purpose || file.purpose === purpose).map(fileObject);
    return c.json(paginate(list, c.req.query('after'), limitOf(c.req.query('limit') ?? '1000')));
  });
  app.get('/v1/files/:id', async (c) => c.json(fileObject(await files.require(c.req.param('id')))));
  app.get('/v1/files/:id/content', async (c) => c.body(new Uint8Array(await files.content(c.req.param('id'))), 200, { 'content-type': 'application/octet-stream' }));
  app.delete('/v1/files/:id', async (c) => {
    await files.remove(c.req.param('id'));
    return c.json({ id: c.req.param('id'), object: 'file', deleted: true });
  });

  app.post('/v1/fine_tuning/jobs', async (c) => {
    const parsed = createSchema.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badRequest(`${issue.path.join('.') || 'body'}: ${issue.message}`, issue.path.join('.') || null);
    }
    const request = parsed.data;
    const base = options.models.find((spec) => spec.name === request.model);
    if (!base) throw notFound(`The model '${request.model}' cannot be fine-tuned here. Base models: ${options.models.map((spec) => spec.name).join(', ') || '(none)'}`, 'model', 'model_not_found');
    if (!base.path) throw badRequest(`the base model '${request.model}' has no checkpoint file to train from`, 'model');
    const training = await files.require(request.training_file, 'training_file');
    const validation = request.validation_file ? await files.require(request.validation_file, 'validation_file') : null;
    const hyper = request.hyperparameters ?? {};
    const payload: Omit<FineTuneJobPayload, 'fineTunedModel'> = {
      model: base.name, modelPath: base.path, trainingFile: training.id, trainingPath: files.path(training), validationFile: validation?.id ?? null, validationPath: validation ? files.path(validation) : null,
      hyperparameters: { n_epochs: auto(hyper.n_epochs), batch_size: auto(hyper.batch_size), learning_rate_multiplier: auto(hyper.learning_rate_multiplier) },
      suffix: request.suffix ?? null, seed: request.seed ?? 42,
    };
    // The name needs the job's id, so the job is created and its payload completed in one transaction.
    const job = await workspace.store.transaction(async (tx) => {
      const created = await tx.jobs.enqueue({ kind: 'fine-tune', payload: { ...payload, fineTunedModel: '' } as unknown as Record<string, never> });
      const fineTunedModel = `ft:${base.name}:${payload.suffix ?? 'sling'}:${fineTuningJobId(created.id)}`;
      await tx.runner.run('UPDATE jobs SET payload = ? WHERE id = ?', [JSON.stringify({ ...payload, fineTunedModel }), created.id]);
      return tx.jobs.require(created.id);
    });
    if (options.runJobs !== false) drainer.kick();
    return c.json(jobObject(job));
  });
  app.get('/v1/fine_tuning/jobs', async (c) => {
    const jobs = await workspace.store.jobs.list({ kind: 'fine-tune', limit: 1000 });
    return c.json(paginate(jobs.map(jobObject), c.req.query('after'), limitOf(c.req.query('limit'))));
  });
  app.get('/v1/fine_tuning/jobs/:id', async (c) => c.json(jobObject(await requireJob(c.req.param('id')))));
  app.post('/v1/fine_tuning/jobs/:id/cancel', async (c) => {
    const job = await requireJob(c.req.param('id'));
    if (job.status !== 'queued' && job.status !== 'running') throw badRequest(`the job is already ${job.status}`, null, 'job_finished');
    await workspace.store.jobs.cancel(job.id);
    return c.json(jobObject(await workspace.store.jobs.require(job.id)));
  });
  app.get('/v1/fine_tuning/jobs/:id/events', async (c) => {
    const job = await requireJob(c.req.param('id'));
    const events = jobEvents(job, await workspace.store.jobs.logs(job.id), await workspace.store.jobs.metrics(job.id));
    const page = paginate(events, c.req.query('after'), limitOf(c.req.query('limit')));
    return c.json({ object: 'list', data: page.data, has_more: page.has_more });
  });
  app.get('/v1/fine_tuning/jobs/:id/checkpoints', async (c) => {
    const job = await requireJob(c.req.param('id'));
    const runDirectory = `${workspace.checkpointDir(job.id)}/run`;
    const checkpoints = jobCheckpoints(job, runDirectory, await workspace.store.jobs.metrics(job.id));
    return c.json(paginate(checkpoints, c.req.query('after'), limitOf(c.req.query('limit') ?? '10')));
  });
  return { idle: () => drainer.idle() };
}

/**
 * @module web/api/runs-api
 * `/api/runs...`: training runs are jobs of kind `train`; the page polls one run for its metrics (loss
 * curves from run_metrics), resolved config (the job payload) and log lines after the last one it has.
 */
import type { Hono } from 'hono';
import type { Store } from '../../platform/store/store.ts';
import { integerParam, missing } from './http.ts';

export const TRAIN_JOB_KIND = 'train';

export function registerRunsApi(app: Hono<any>, store: Store): void {
  app.get('/api/runs', async (c) => {
    const jobs = await store.jobs.list({ kind: c.req.query('kind') ?? TRAIN_JOB_KIND, limit: 200 });
    return c.json({ runs: jobs });
  });

  app.get('/api/runs/:id', async (c) => {
    const id = integerParam(c.req.param('id'), 'id')!;
    const job = await store.jobs.get(id);
    if (!job) throw missing(`run ${id}`);
    const metrics = await store.jobs.metrics(id);
    const series: Record<string, { step: number; value: number }[]> = {};
    for (const metric of metrics) (series[metric.name] ??= []).push({ step: metric.step, value: metric.value });
    const logs = await store.jobs.logs(id, integerParam(c.req.query('afterLog'), 'afterLog', 0));
    return c.json({ run: job, series, logs });
  });
}

/**
 * @module web/api/sweeps-api
 * `/api/sweeps...`: the sweep list (status, algorithm, objective, trials done/total, best objective) and one sweep:
 * its config, the trials ranked with their rungs, and the data of its two plots (sweep-plots.ts). Trials are
 * `sweep-trial` jobs, so each ranked trial names its job for the run page.
 */
import type { Hono } from 'hono';
import type { Store } from '../../platform/store/store.ts';
import { SweepRepository } from '../../platform/sweeps/sweep-repository.ts';
import { integerParam, missing } from './http.ts';
import { objectiveOverTime, parallelCoordinates, rankedTrials, summariseSweep } from './sweep-plots.ts';

export function registerSweepsApi(app: Hono<any>, store: Store): void {
  const sweeps = new SweepRepository(store);

  app.get('/api/sweeps', async (c) => {
    const list = await sweeps.list(100);
    const summaries = [];
    for (const sweep of list) summaries.push(summariseSweep(sweep, await sweeps.trials(sweep.id)));
    return c.json({ sweeps: summaries });
  });

  app.get('/api/sweeps/:id', async (c) => {
    const id = integerParam(c.req.param('id'), 'id')!;
    const sweep = await sweeps.get(id);
    if (!sweep) throw missing(`sweep ${id}`);
    const trials = await sweeps.trials(id);
    return c.json({
      sweep,
      summary: summariseSweep(sweep, trials),
      trials: rankedTrials(sweep, trials, await sweeps.rungs(id)),
      parallel: parallelCoordinates(sweep, trials),
      timeline: objectiveOverTime(sweep, trials),
    });
  });
}

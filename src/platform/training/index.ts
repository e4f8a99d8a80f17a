/**
 * @module platform/training
 * Registers the `train` and `export` job handlers with the jobs registry (importing this module is enough;
 * the `sling train` command imports it, so every CLI process, including `sling worker`, knows both kinds).
 */
import { getJobHandler, registerJobHandler } from '../jobs/registry.ts';
import { exportJob, type ExportJobPayload } from './export-job.ts';
import { trainJob, type TrainJobPayload } from './train-job.ts';

if (!getJobHandler('train')) registerJobHandler<TrainJobPayload>('train', trainJob);
if (!getJobHandler('export')) registerJobHandler<ExportJobPayload>('export', exportJob);

export { exportJob, trainJob, type ExportJobPayload, type TrainJobPayload };

/**
 * @module platform/fleet
 * Scale-out on PostgreSQL: pg-boss delivers queued jobs (train, eval, sweep-trial, fine-tune, export, ...) to
 * `sling worker` processes on any machine; the store keeps each job's state, and the workspace's artifact and
 * checkpoint folders (SLING_ARTIFACTS, SLING_CHECKPOINTS: a shared mount) hold what the jobs write.
 */
export { announceToFleet, fleetDatabaseUrl } from './announce-job.ts';
export { JobBus, pgBossSchemaFor, type JobMessage } from './job-bus.ts';
export { runFleetWorker, type FleetWorkerOptions } from './fleet-worker.ts';
export { isConnectionError, openWhenReachable, type OpenWhenReachableOptions } from './open-when-reachable.ts';

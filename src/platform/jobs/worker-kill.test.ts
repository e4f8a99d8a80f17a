/** A worker process killed with SIGKILL mid-job; the next worker finishes the job (SQLite workspace). */
import { test } from 'node:test';
import { killAndResume } from './kill-scenario.ts';

test('a job survives kill -9 of its worker and finishes with every step applied exactly once', () => killAndResume({ SLING_DATABASE_URL: '' }));

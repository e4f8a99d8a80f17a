/**
 * @module engine/train/run-directory
 * Where a run keeps its files (see docs/recipe.md "Run directory"), and the metrics log: one JSON object per
 * line, appended as the run goes so a crash loses at most the line being written. On resume, lines from
 * steps after the checkpoint are dropped so the log reads as one uninterrupted run.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunPaths {
  root: string;
  config: string;
  metrics: string;
  summary: string;
  checkpoints: string;
  adapter: string;
  model: string;
}

export function runPaths(root: string): RunPaths {
  return {
    root,
    config: join(root, 'config.json'),
    metrics: join(root, 'metrics.jsonl'),
    summary: join(root, 'summary.json'),
    checkpoints: join(root, 'checkpoints'),
    adapter: join(root, 'adapter'),
    model: join(root, 'model'),
  };
}

export function checkpointPath(paths: RunPaths, step: number): string {
  return join(paths.checkpoints, `step-${step}`);
}

/** Steps of complete checkpoints (those whose state.json was written last), oldest first. */
export function listCheckpoints(paths: RunPaths): number[] {
  if (!existsSync(paths.checkpoints)) return [];
  return readdirSync(paths.checkpoints)
    .map((name) => /^step-(\d+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null && existsSync(join(paths.checkpoints, match[0], 'state.json')))
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
}

export type MetricRecord =
  | { type: 'train'; step: number; epoch: number; loss: number; learningRate: number; gradNorm: number; tokens: number; tokensPerSecond: number; elapsedSeconds: number }
  | { type: 'validation'; step: number; epoch: number; loss: number; best: number }
  | { type: 'checkpoint'; step: number; path: string }
  | { type: 'event'; step: number; message: string };

export class MetricsLog {
  constructor(readonly file: string) {}

  append(record: MetricRecord): void {
    appendFileSync(this.file, JSON.stringify({ time: new Date().toISOString(), ...record }) + '\n');
  }

  read(): (MetricRecord & { time: string })[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line)];
        } catch {
          return []; // a line cut by a kill
        }
      });
  }

  /** Keeps only records of steps ≤ `step` (checkpoint records of that step included). */
  truncateAfter(step: number): void {
    const kept = this.read().filter((record) => record.step <= step && !(record.type === 'event' && record.step === step));
    writeFileSync(this.file, kept.map((record) => JSON.stringify(record) + '\n').join(''));
  }
}

export function ensureRunDirectory(paths: RunPaths): void {
  mkdirSync(paths.checkpoints, { recursive: true });
}

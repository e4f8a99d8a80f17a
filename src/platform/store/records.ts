/**
 * @module platform/store/records
 * The shapes the store reads and writes. Times are epoch milliseconds; JSON columns come back parsed.
 */

export type JsonObject = Record<string, unknown>;

// *** datasets ***

export interface Dataset {
  id: number;
  name: string;
  description: string | null;
  createdAt: number;
}

export interface DatasetVersion {
  id: number;
  datasetId: number;
  /** 1, 2, 3... within the dataset. */
  version: number;
  parentId: number | null;
  /** What this version changed, in words ("import spam.csv", "re-split 10% test, seed 7"). */
  change: string;
  rowCount: number;
  createdAt: number;
}

export interface DatasetSummary extends Dataset {
  latestVersion: number;
  rowCount: number;
}

export type ChatRole = 'system' | 'user' | 'assistant';
export interface ChatMessage {
  role: ChatRole;
  content: string;
}
export type Split = 'train' | 'test';

/** One row of one dataset version. `contentHash` is unique within the version (rows are deduplicated). */
export interface StoredRow {
  position: number;
  contentHash: string;
  /** null only while an import is still assigning splits. */
  split: Split | null;
  /** True when the split came with the source row; re-splitting keeps it. */
  splitFixed: boolean;
  label: string | null;
  metadata: JsonObject;
  messages: ChatMessage[];
  charCount: number;
  tokenCount: number | null;
}

// *** jobs ***

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  id: number;
  kind: string;
  status: JobStatus;
  payload: JsonObject;
  progress: JsonObject | null;
  result: JsonObject | null;
  error: string | null;
  attempts: number;
  maxAttempts: number;
  workerId: string | null;
  heartbeatAt: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface JobLogLine {
  id: number;
  jobId: number;
  time: number;
  line: string;
}

export interface RunMetric {
  jobId: number;
  name: string;
  step: number;
  value: number;
  time: number;
}

// *** models ***

/** 'base' = a local base model file, 'adapter' = a trained LoRA adapter, 'remote' = an OpenAI-compatible endpoint. */
export type ModelKind = 'base' | 'adapter' | 'remote';

export interface ModelRecord {
  id: number;
  name: string;
  kind: ModelKind;
  uri: string;
  config: JsonObject;
  createdAt: number;
}

// *** evaluations ***

export type EvaluationStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Evaluation {
  id: number;
  name: string;
  datasetVersionId: number | null;
  jobId: number | null;
  status: EvaluationStatus;
  config: JsonObject;
  summary: JsonObject | null;
  createdAt: number;
  finishedAt: number | null;
}

export interface EvaluationOutput {
  evaluationId: number;
  modelName: string;
  /** Which dataset row: its content hash (unique within a dataset version). */
  rowId: string;
  output: string;
  scores: Record<string, number | string | boolean | null>;
  latencyMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cost: number | null;
  judge: JsonObject | null;
  createdAt: number;
}

// *** serving ***

export interface ApiKey {
  id: number;
  name: string;
  /** The first characters of the key, shown in listings; the key itself is never stored. */
  prefix: string;
  keyHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** Requests per minute allowed for this key; null = the server's default, 0 = unlimited. */
  rateLimitPerMinute: number | null;
}

/** Who wrote a request log: the server answering itself, or the proxy forwarding to an upstream. */
export type RequestLogSource = 'serve' | 'proxy';

export interface RequestLog {
  id: number;
  time: number;
  apiKeyId: number | null;
  endpoint: string;
  model: string | null;
  status: number;
  latencyMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  request: JsonObject;
  response: JsonObject | null;
  error: string | null;
  /** The caller's `x-sling-tags`; also kept one row per tag in request_log_tags, for filtering. */
  tags: Record<string, string>;
  /** Null only on rows logged before these were recorded (error rows of schema version 2 and older). */
  source: RequestLogSource | null;
  /** Adapter name (`BASE:ADAPTER` → ADAPTER), null for base and remote models. */
  adapter: string | null;
  /** Dollars: tokens × price for priced upstreams, compute time × CPU rate for local models. */
  costUsd: number | null;
  computeMs: number | null;
}

/**
 * @module platform/serve/metrics
 * Counters and a latency histogram per model, rendered in Prometheus' text exposition format (version 0.0.4)
 * at `/metrics`. Small enough to keep by hand: a handful of series, labels escaped as the format requires.
 */

const latencyBucketsSeconds = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

interface ModelSeries {
  requests: Map<number, number>; // by status
  errors: number;
  promptTokens: number;
  completionTokens: number;
  latencyCounts: number[]; // cumulative per bucket, plus +Inf at the end
  latencySum: number;
  latencyCount: number;
}

export interface Observation {
  model: string;
  status: number;
  latencyMs: number;
  promptTokens?: number;
  completionTokens?: number;
}

const escapeLabel = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export class ServerMetrics {
  private readonly series = new Map<string, ModelSeries>();

  observe(observation: Observation): void {
    let entry = this.series.get(observation.model);
    if (!entry) {
      entry = {
        requests: new Map(),
        errors: 0,
        promptTokens: 0,
        completionTokens: 0,
        latencyCounts: new Array(latencyBucketsSeconds.length + 1).fill(0),
        latencySum: 0,
        latencyCount: 0,
      };
      this.series.set(observation.model, entry);
    }
    entry.requests.set(observation.status, (entry.requests.get(observation.status) ?? 0) + 1);
    if (observation.status >= 400) entry.errors += 1;
    entry.promptTokens += observation.promptTokens ?? 0;
    entry.completionTokens += observation.completionTokens ?? 0;
    const seconds = observation.latencyMs / 1000;
    latencyBucketsSeconds.forEach((bound, index) => {
      if (seconds <= bound) entry.latencyCounts[index] += 1;
    });
    entry.latencyCounts[latencyBucketsSeconds.length] += 1;
    entry.latencySum += seconds;
    entry.latencyCount += 1;
  }

  render(): string {
    const lines: string[] = [];
    const header = (name: string, type: string, help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    const models = [...this.series.entries()].sort(([a], [b]) => a.localeCompare(b));

    header('sling_requests_total', 'counter', 'API requests answered, by model and HTTP status.');
    for (const [model, entry] of models) {
      for (const [status, count] of entry.requests) lines.push(`sling_requests_total{model="${escapeLabel(model)}",status="${status}"} ${count}`);
    }
    header('sling_request_errors_total', 'counter', 'API requests that ended with a 4xx or 5xx status.');
    for (const [model, entry] of models) lines.push(`sling_request_errors_total{model="${escapeLabel(model)}"} ${entry.errors}`);
    header('sling_tokens_total', 'counter', 'Tokens processed, by model and kind (prompt or completion).');
    for (const [model, entry] of models) {
      lines.push(`sling_tokens_total{model="${escapeLabel(model)}",kind="prompt"} ${entry.promptTokens}`);
      lines.push(`sling_tokens_total{model="${escapeLabel(model)}",kind="completion"} ${entry.completionTokens}`);
    }
    header('sling_request_duration_seconds', 'histogram', 'Time from request to last byte, by model.');
    for (const [model, entry] of models) {
      const label = escapeLabel(model);
      latencyBucketsSeconds.forEach((bound, index) => {
        lines.push(`sling_request_duration_seconds_bucket{model="${label}",le="${bound}"} ${entry.latencyCounts[index]}`);
      });
      lines.push(`sling_request_duration_seconds_bucket{model="${label}",le="+Inf"} ${entry.latencyCounts[latencyBucketsSeconds.length]}`);
      lines.push(`sling_request_duration_seconds_sum{model="${label}"} ${entry.latencySum}`);
      lines.push(`sling_request_duration_seconds_count{model="${label}"} ${entry.latencyCount}`);
    }
    return lines.join('\n') + '\n';
  }
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerMetrics } from './metrics.ts';

test('metrics render counters and a cumulative latency histogram in Prometheus text format', () => {
  const metrics = new ServerMetrics();
  metrics.observe({ model: 'tiny', status: 200, latencyMs: 80, promptTokens: 10, completionTokens: 4 });
  metrics.observe({ model: 'tiny', status: 200, latencyMs: 3000, promptTokens: 5, completionTokens: 6 });
  metrics.observe({ model: 'we"ird', status: 429, latencyMs: 1 });
  const text = metrics.render();
  assert.match(text, /^sling_requests_total\{model="tiny",status="200"\} 2$/m);
  assert.match(text, /^sling_request_errors_total\{model="we\\"ird"\} 1$/m);
  assert.match(text, /^sling_tokens_total\{model="tiny",kind="completion"\} 10$/m);
  assert.match(text, /^sling_request_duration_seconds_bucket\{model="tiny",le="0.1"\} 1$/m);
  assert.match(text, /^sling_request_duration_seconds_bucket\{model="tiny",le="5"\} 2$/m);
  assert.match(text, /^sling_request_duration_seconds_bucket\{model="tiny",le="\+Inf"\} 2$/m);
  assert.match(text, /^sling_request_duration_seconds_sum\{model="tiny"\} 3.08$/m);
  assert.match(text, /^# TYPE sling_request_duration_seconds histogram$/m);
});

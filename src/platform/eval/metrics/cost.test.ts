import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costOf } from './cost.ts';

test('token pricing: tokens × price per million', () => {
  const usage = [
    { inputTokens: 1000, outputTokens: 10, latencyMs: 5 },
    { inputTokens: 500, outputTokens: 20, latencyMs: 5 },
  ];
  const cost = costOf(usage, { kind: 'remote', pricing: { inputPerMillion: 0.15, outputPerMillion: 0.6 } });
  assert.equal(cost.basis, 'tokens');
  assert.ok(Math.abs(cost.totalDollars - (1500 * 0.15 + 30 * 0.6) / 1e6) < 1e-15);
});

test('unpriced local models are charged for compute time; unpriced remote models have no cost', () => {
  const usage = [{ inputTokens: 1, outputTokens: 1, latencyMs: 9000, computeMs: 1_800_000 }];
  assert.deepEqual(costOf(usage, { kind: 'local', dollarsPerCpuHour: 0.1 }), { totalDollars: 0.05, basis: 'compute' });
  assert.equal(costOf(usage, { kind: 'remote' }).basis, 'none');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { AdamW } from './adamw.ts';

const initial = [0.5, -1.25, 2, 0.001, -0.3];
const gradients = [
  [0.1, -0.2, 0.3, 0.0, 1.5],
  [-0.05, 0.4, 0.3, 1e-4, -2],
  [0.2, 0.2, -0.1, 0.0, 0.7],
  [1.0, -0.01, 0.02, -3, 0.1],
];
const rates = [1e-2, 5e-3, 2e-2, 1e-3];

/** Float64 hand computation of PyTorch's documented AdamW algorithm (amsgrad=False, maximize=False). */
function handAdamW(weightDecay: number): number[] {
  const theta = [...initial];
  const m = theta.map(() => 0);
  const v = theta.map(() => 0);
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  gradients.forEach((g, index) => {
    const t = index + 1;
    const lr = rates[index];
    for (let i = 0; i < theta.length; i++) {
      theta[i] = theta[i] - lr * weightDecay * theta[i];
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2;
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = v[i] / (1 - b2 ** t);
      theta[i] = theta[i] - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return theta;
}

function runOurs(weightDecay: number, decay = true): Float32Array {
  const value = Float32Array.from(initial);
  const grad = new Float32Array(initial.length);
  const optimizer = new AdamW([{ name: 'w', value, grad, decay }], { weightDecay });
  gradients.forEach((g, index) => {
    grad.set(g);
    optimizer.step(rates[index]);
  });
  return value;
}

test('AdamW matches a float64 hand computation of the PyTorch formula', () => {
  for (const weightDecay of [0, 0.01, 0.1]) {
    const expected = handAdamW(weightDecay);
    const actual = runOurs(weightDecay);
    expected.forEach((value, i) => assert.ok(Math.abs(actual[i] - value) <= 1e-6 * Math.max(1, Math.abs(value)), `wd=${weightDecay} i=${i}: ${actual[i]} vs ${value}`));
  }
});

test('AdamW skips weight decay for parameters marked decay=false', () => {
  assert.deepEqual(Array.from(runOurs(0.1, false)), Array.from(runOurs(0)));
});

test('AdamW state round-trips through state()/loadState()', () => {
  const value = Float32Array.from(initial);
  const grad = new Float32Array(initial.length);
  const first = new AdamW([{ name: 'w', value, grad, decay: true }]);
  grad.set(gradients[0]);
  first.step(1e-2);
  const copy = Float32Array.from(value);
  const second = new AdamW([{ name: 'w', value: copy, grad, decay: true }]);
  second.loadState(first.state());
  grad.set(gradients[1]);
  first.step(1e-2);
  second.step(1e-2);
  assert.deepEqual(Array.from(copy), Array.from(value));
});

const torchScript = `
import json, sys, torch
data = json.load(sys.stdin)
p = torch.nn.Parameter(torch.tensor(data["initial"], dtype=torch.float32))
opt = torch.optim.AdamW([p], lr=1.0, weight_decay=data["wd"])
for g, lr in zip(data["gradients"], data["rates"]):
    for group in opt.param_groups: group["lr"] = lr
    p.grad = torch.tensor(g, dtype=torch.float32)
    opt.step()
print(json.dumps(p.detach().tolist()))
`;

test('AdamW matches torch.optim.AdamW (Debian python3-torch) when available', (context) => {
  const result = spawnSync('/usr/bin/python3', ['-c', torchScript], {
    input: JSON.stringify({ initial, gradients, rates, wd: 0.05 }),
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    context.skip('python3 with torch is not available');
    return;
  }
  const expected = JSON.parse(result.stdout) as number[];
  const actual = runOurs(0.05);
  expected.forEach((value, i) => assert.ok(Math.abs(actual[i] - value) <= 2e-6 * Math.max(1, Math.abs(value)), `i=${i}: ${actual[i]} vs ${value}`));
});

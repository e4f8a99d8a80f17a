// Runs the test suite with Node's own test runner (through tsx for TypeScript).
// Default: every `*.test.ts` under src/, the slow suites (`*.slow.test.ts`: llama.cpp and PyTorch parity, real
// fine-tuning runs, ~1.5 min) included, because they carry the proofs the issues ask for. --quick leaves the slow
// suites out. --pg, or SLING_TEST_DATABASE_URL being set, adds the PostgreSQL suites (`*.pg.test.ts`).
// Other arguments keep only the files whose path contains one of them.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const filters = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const files = collect('src', []).filter((file) => {
  if (file.endsWith('.slow.test.ts') && args.has('--quick')) return false;
  if (file.endsWith('.pg.test.ts') && !args.has('--pg') && !process.env.SLING_TEST_DATABASE_URL) return false;
  return filters.length === 0 || filters.some((filter) => file.includes(filter));
});
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);

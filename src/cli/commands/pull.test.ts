import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { startFakeHub } from '../../engine/models/hub/fake-hub.ts';
import { register } from './pull.ts';

test('sling pull downloads into HF_HOME and prints the snapshot folder; --offline then works without the Hub', async () => {
  const home = mkdtempSync(join(tmpdir(), 'sling-pull-cli-'));
  const commit = 'b'.repeat(40);
  const hub = await startFakeHub({
    repoId: 'org/model', commit, lfs: (file) => file.endsWith('.safetensors'),
    files: { 'config.json': Buffer.from('{}'), 'model.safetensors': Buffer.alloc(2048, 7), 'notes.txt': Buffer.from('skip me') },
  });
  const saved = { HF_HOME: process.env.HF_HOME, HF_ENDPOINT: process.env.HF_ENDPOINT, HF_HUB_OFFLINE: process.env.HF_HUB_OFFLINE };
  const printed: string[] = [];
  const log = console.log;
  try {
    Object.assign(process.env, { HF_HOME: home, HF_ENDPOINT: hub.endpoint });
    delete process.env.HF_HUB_OFFLINE;
    console.log = (...values: unknown[]) => void printed.push(values.join(' '));
    const run = async (...args: string[]) => {
      const program = new Command().exitOverride();
      register(program);
      await program.parseAsync(['node', 'sling', 'pull', ...args]);
    };
    await run('org/model');
    const expected = join(home, 'hub', 'models--org--model', 'snapshots', commit);
    assert.equal(printed.at(-1), expected);
    await hub.close();
    await run('org/model', '--offline');
    assert.equal(printed.at(-1), expected);
    await assert.rejects(run('org/other', '--offline'), (error: Error & { code?: string }) => error.code === 'hub_not_cached');
  } finally {
    console.log = log;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await hub.close().catch(() => {});
    rmSync(home, { recursive: true, force: true });
  }
});

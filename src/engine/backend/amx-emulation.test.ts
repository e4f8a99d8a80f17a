import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadNativeAddon } from './native-addon.ts';

// The AMX kernel cannot run on CPUs without AMX (the AMD dev machine among them), so its packing and tile
// indexing are checked here with software tiles (native/test/amx-emulation.h) on any AVX512-BF16 CPU.
const nativeDir = join(dirname(fileURLToPath(import.meta.url)), '../../../native');
const info = loadNativeAddon().addon?.info();
const compiler = spawnSync('g++', ['--version']).status === 0;
const skip = !compiler ? 'g++ not installed' : !info?.avx512bf16 ? 'needs an AVX512-BF16 CPU (and the native addon)' : false;

it('AMX kernel logic matches a float64 GEMM under tile emulation', { skip }, () => {
  const workDir = mkdtempSync(join(tmpdir(), 'sling-amx-'));
  try {
    const binary = join(workDir, 'amx-emulation');
    const build = spawnSync(
      'g++',
      ['-O2', '-std=c++17', '-DSLING_AMX_EMULATE', '-Isrc', 'test/amx-emulation.cc', 'src/kernels-amx.cc', '-o', binary],
      { cwd: nativeDir, encoding: 'utf8' },
    );
    assert.equal(build.status, 0, build.stderr);
    const run = spawnSync(binary, { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stdout);
    assert.match(run.stdout, /^28 passed, 0 failed$/m);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});

// Regenerates src/engine/backend/gemm-kernels.wasm from native/wasm/gemm-wasm.cc (`npm run build:wasm`).
// The .wasm is committed, so installs never need this; developers need Debian's clang and lld
// (`apt-get install clang lld`). Shared memory (atomics, bulk-memory) lets worker threads run the same module
// on one memory; __stack_pointer is exported so each thread can move its stack to its own slot.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = [
  '--target=wasm32', '-msimd128', '-matomics', '-mbulk-memory', '-mmutable-globals', '-O3', '-nostdlib',
  '-fno-exceptions', '-std=c++17',
  '-Wl,--no-entry', '-Wl,--import-memory', '-Wl,--shared-memory', '-Wl,--max-memory=2147483648',
  '-Wl,--export=__stack_pointer', '-Wl,--export=__heap_base', '-Wl,--strip-all',
  '-o', join(root, 'src/engine/backend/gemm-kernels.wasm'),
  join(root, 'native/wasm/gemm-wasm.cc'),
];
const result = spawnSync('clang++', args, { stdio: 'inherit' });
if (result.error) {
  console.error(`clang++ not found (${result.error.message}); install Debian's clang and lld`);
  process.exit(1);
}
process.exit(result.status ?? 1);

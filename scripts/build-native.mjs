// Builds the native addon (native/binding.gyp) with the node-gyp bundled in npm. Runs as the package's
// "install" script, so it must NEVER fail the install: without a compiler, headers or node-gyp it prints one
// line saying why and exits 0, and the engine falls back to the wasm backend at run time (select.ts).
// `--strict` (npm run build:native) exits non-zero on failure instead, for developers who want the error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const strict = process.argv.includes('--strict');

function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_execpath) candidates.push(join(dirname(process.env.npm_execpath), '../node_modules/node-gyp/bin/node-gyp.js'));
  candidates.push(join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  const npmPrefix = spawnSync('npm', ['prefix', '-g'], { encoding: 'utf8' });
  if (npmPrefix.status === 0) candidates.push(join(npmPrefix.stdout.trim(), 'lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'));
  return candidates.find((candidate) => existsSync(candidate));
}

// The reason is kept in native/build/not-built.txt so the engine's start-up line can repeat it.
function giveUp(reason) {
  mkdirSync(join(nativeDir, 'build'), { recursive: true });
  writeFileSync(join(nativeDir, 'build', 'not-built.txt'), `${reason}\n`);
  console.warn(`sling: native addon not built (${reason}); the engine will use the wasm backend`);
  process.exit(strict ? 1 : 0);
}

if (process.env.SLING_SKIP_NATIVE === '1') giveUp('SLING_SKIP_NATIVE=1');
if (process.arch !== 'x64') giveUp(`no kernels for ${process.arch} yet`);
const nodeGyp = findNodeGyp();
if (!nodeGyp) giveUp('node-gyp not found next to npm');
const args = [nodeGyp, 'rebuild', '--release'];
// Debian's node ships its headers under /usr/include/node; point node-gyp there instead of downloading them.
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const result = spawnSync(process.execPath, args, { cwd: nativeDir, encoding: 'utf8' });
if (result.status !== 0) {
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const firstError = output.split('\n').find((line) => /error|not found|No such file/i.test(line)) ?? 'node-gyp failed';
  rmSync(join(nativeDir, 'build'), { recursive: true, force: true });
  if (strict) process.stderr.write(output);
  giveUp(firstError.trim().slice(0, 200));
}
console.log('sling: native addon built (native/build/Release/sling_native.node)');

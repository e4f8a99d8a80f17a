/**
 * Checks that imports only go one way: core → engine → platform → cli / web.
 * Within the engine: backend (kernels) → tensor → nn → models → train.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

// A file in layer X may import only from layers listed for X (and from its own layer).
const allowed: Record<string, string[]> = {
  core: [],
  'engine/backend': ['core'],
  'engine/tensor': ['core', 'engine/backend'],
  'engine/nn': ['core', 'engine/backend', 'engine/tensor'],
  'engine/models': ['core', 'engine/backend', 'engine/tensor', 'engine/nn'],
  'engine/train': ['core', 'engine/backend', 'engine/tensor', 'engine/nn', 'engine/models'],
  platform: ['core', 'engine'],
  cli: ['core', 'engine', 'platform', 'web'],
  web: ['core', 'engine', 'platform'],
};

function layerOf(path: string): string | undefined {
  const rel = relative(root, path).split('\\').join('/');
  return Object.keys(allowed)
    .filter((layer) => rel === layer || rel.startsWith(layer + '/'))
    .sort((a, b) => b.length - a.length)[0];
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(ts|mts)$/.test(name)) out.push(path);
  }
  return out;
}

export function wrongWayImports(files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    if (!from) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g)) {
      const target = layerOf(resolve(dirname(file), match[1]));
      if (!target || target === from || target.startsWith(from + '/')) continue;
      const ok = allowed[from].some((layer) => target === layer || target.startsWith(layer + '/'));
      if (!ok) problems.push(`${relative(root, file)} (${from}) imports ${match[1]} (${target})`);
    }
  }
  return problems;
}

test('imports go one way through the layers', () => {
  assert.deepEqual(wrongWayImports(sourceFiles(root)), []);
});

test('the check catches a wrong-way import', async () => {
  const { writeFileSync, mkdirSync, rmSync } = await import('node:fs');
  const fake = join(root, 'engine', 'tensor', '__layer-probe__.ts');
  mkdirSync(dirname(fake), { recursive: true });
  writeFileSync(fake, "import { x } from '../../platform/store/store.ts';\n");
  try {
    assert.equal(wrongWayImports([fake]).length, 1);
  } finally {
    rmSync(fake);
  }
});

/**
 * @module engine/models/ops-extra/gemv-native
 * Loads the decode GEMV kernel (gemv.c), compiling it with the system C compiler on first use into a cache
 * folder (XDG_CACHE_HOME or ~/.cache, sling/). Returns undefined with a reason when there is no compiler or
 * no Node headers; callers then keep the backend's GEMM. Lives here rather than in engine/backend because the
 * backend interface has no GEMV entry yet; it would move there as `Backend.gemv`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface GemvAddon {
  /**
   * Per batch item p: c[m, n] (+)= a[m, k] · op(b) with op(b) = b[n, k]ᵀ (transB) or b[k, n]; operands start at
   * offset + p·stride elements. b is float32 or bf16 bits.
   */
  gemv(
    a: Float32Array, b: Float32Array | Uint16Array, c: Float32Array, m: number, n: number, k: number, accumulate: boolean, transB: boolean,
    batch: number, strideA: number, strideB: number, strideC: number, offsetA: number, offsetB: number, offsetC: number,
  ): void;
  /**
   * Decode attention in place from a KvCache layer (see cached-attention.ts): out [B, Hq, D] for q [B, Hq, D],
   * row b reading the first lengths[slots[b]] + 1 positions of its slot; window 0 = none.
   */
  decodeAttention(
    q: Float32Array, keys: Float32Array, values: Float32Array, out: Float32Array, slots: Int32Array, lengths: Int32Array,
    capacity: number, Hq: number, Hkv: number, D: number, window: number,
  ): void;
  kernelName(): string;
}

let loaded: { addon?: GemvAddon; reason?: string } | undefined;

export function loadGemvAddon(): { addon?: GemvAddon; reason?: string } {
  if (loaded) return loaded;
  loaded = build();
  return loaded;
}

function build(): { addon?: GemvAddon; reason?: string } {
  if (process.env.SLING_DECODE_GEMV === '0') return { reason: 'disabled by SLING_DECODE_GEMV=0' };
  if (process.arch !== 'x64') return { reason: `no GEMV kernel for ${process.arch}` };
  const source = fileURLToPath(new URL('./gemv.c', import.meta.url));
  const code = readFileSync(source);
  const headers = ['/usr/include/node', join(process.execPath, '../../include/node')].find((folder) => existsSync(join(folder, 'node_api.h')));
  if (!headers) return { reason: 'Node headers (node_api.h) not found' };
  const hash = createHash('sha256').update(code).update(process.version).digest('hex').slice(0, 16);
  const folder = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sling');
  const target = join(folder, `gemv-${hash}.node`);
  if (!existsSync(target)) {
    mkdirSync(folder, { recursive: true });
    const temporary = `${target}.${process.pid}.tmp`;
    const compiler = process.env.CC ?? 'cc';
    const result = spawnSync(compiler, ['-O3', '-fno-math-errno', '-shared', '-fPIC', '-pthread', `-I${headers}`, source, '-o', temporary, '-lm'], { encoding: 'utf8' });
    if (result.status !== 0) return { reason: `compiling gemv.c with ${compiler} failed: ${(result.stderr || result.error?.message || '').split('\n')[0]}` };
    renameSync(temporary, target);
  }
  try {
    return { addon: createRequire(import.meta.url)(target) as GemvAddon };
  } catch (error) {
    return { reason: `loading ${target} failed: ${(error as Error).message}` };
  }
}

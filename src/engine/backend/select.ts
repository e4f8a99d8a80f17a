/**
 * @module engine/backend/select
 * Picks the compute backend once per process: SLING_BACKEND (or the CLI's --backend, which sets it) if set,
 * else the fastest that works: native (C++ addon) > wasm (SIMD128 + worker threads) > reference. Reported
 * once on stderr so users know what ran, including why a faster backend was skipped.
 */
import { SlingError } from '../../core/errors.ts';
import type { Backend } from './backend.ts';
import { loadNativeAddon } from './native-addon.ts';
import { createNativeBackend } from './native.ts';
import { referenceBackend } from './reference.ts';
import { createWasmBackend } from './wasm.ts';

export const backendNames = ['native', 'wasm', 'reference'] as const;
export type BackendName = (typeof backendNames)[number];

let chosen: Backend | undefined;

/** Builds one backend by name, or returns why it cannot run here. */
export function tryBackend(name: BackendName): { backend?: Backend; reason?: string } {
  if (name === 'reference') return { backend: referenceBackend };
  if (name === 'wasm') {
    try {
      return { backend: createWasmBackend() };
    } catch (error) {
      return { reason: `wasm backend unavailable (${(error as Error).message})` };
    }
  }
  const { addon, reason } = loadNativeAddon();
  if (!addon) return { reason };
  // The portable C++ family (no AVX2) is slower than wasm SIMD with threads, so prefer wasm there.
  if (addon.info().isa === 'portable') return { reason: 'CPU has no AVX2/FMA, native kernels would be slower than wasm' };
  return { backend: createNativeBackend(addon) };
}

function pick(): { backend: Backend; note: string } {
  const requested = process.env.SLING_BACKEND?.trim();
  if (requested) {
    if (!(backendNames as readonly string[]).includes(requested)) {
      throw new SlingError('BACKEND_UNKNOWN', `unknown compute backend "${requested}"`, {
        field: 'SLING_BACKEND',
        hint: `use one of ${backendNames.join(', ')}`,
      });
    }
    const { backend, reason } = tryBackend(requested as BackendName);
    if (!backend) {
      throw new SlingError('BACKEND_UNAVAILABLE', `compute backend "${requested}" cannot run here: ${reason}`, {
        field: 'SLING_BACKEND',
        hint: 'unset SLING_BACKEND (or --backend) to pick the fastest that works',
      });
    }
    return { backend, note: ' (chosen by SLING_BACKEND)' };
  }
  const skipped: string[] = [];
  for (const name of backendNames) {
    const { backend, reason } = tryBackend(name);
    if (backend) return { backend, note: skipped.length ? `; ${skipped.join('; ')}` : '' };
    skipped.push(reason ?? `${name} unavailable`);
  }
  return { backend: referenceBackend, note: '' };
}

export function getBackend(): Backend {
  if (chosen) return chosen;
  const { backend, note } = pick();
  chosen = backend;
  if (process.env.SLING_QUIET_BACKEND !== '1') {
    // A fallback reads "native addon not built (reason); using wasm (...)".
    const line = note.startsWith('; ') ? `${note.slice(2)}; using ${backend.description}` : `${backend.description}${note}`;
    process.stderr.write(`sling: compute backend ${line}\n`);
  }
  return chosen;
}

/** For tests and benchmarks that compare backends. */
export function setBackend(backend: Backend): void {
  chosen = backend;
}

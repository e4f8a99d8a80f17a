/**
 * @module engine/backend/select
 * Picks the compute backend once per process: SLING_BACKEND (or the CLI's --backend, which sets it) if set,
 * else the fastest that works: native (C++ addon) > wasm (SIMD128 + worker threads) > reference. Reported
 * once on stderr so users know what ran, including why a faster backend was skipped.
 */
import { SlingError } from '../../core/errors.ts';
import type { Backend } from './backend.ts';
import { loadNativeAddon, type NativeLoad } from './native-addon.ts';
import { createNativeBackend } from './native.ts';
import { referenceBackend } from './reference.ts';
import { createWasmBackend } from './wasm.ts';

export const backendNames = ['native', 'wasm', 'reference'] as const;
export type BackendName = (typeof backendNames)[number];

let chosen: Backend | undefined;

/** Builds one backend by name, or returns why it cannot run here. */
export function tryBackend(name: BackendName, loadNative: () => NativeLoad = loadNativeAddon): { backend?: Backend; reason?: string } {
  if (name === 'reference') return { backend: referenceBackend };
  if (name === 'wasm') {
    try {
      return { backend: createWasmBackend() };
    } catch (error) {
      return { reason: `wasm backend unavailable (${(error as Error).message})` };
    }
  }
  const { addon, reason } = loadNative();
  if (!addon) return { reason };
  // The portable C++ family (no AVX2) is slower than wasm SIMD with threads, so prefer wasm there.
  if (addon.info().isa === 'portable') return { reason: 'CPU has no AVX2/FMA, native kernels would be slower than wasm' };
  return { backend: createNativeBackend(addon) };
}

/**
 * Chooses a backend for the requested name (SLING_BACKEND) or, if none, the fastest that works, and the line
 * to report. Throws SlingError for an unknown name or a requested backend that cannot run here.
 */
export function chooseBackend(
  requested: string | undefined,
  loadNative: () => NativeLoad = loadNativeAddon,
): { backend: Backend; report: string } {
  const name = requested?.trim();
  if (name) {
    if (!(backendNames as readonly string[]).includes(name)) {
      throw new SlingError('backend_unknown', `unknown compute backend "${name}"`, {
        field: 'SLING_BACKEND',
        hint: `use one of ${backendNames.join(', ')}`,
      });
    }
    const { backend, reason } = tryBackend(name as BackendName, loadNative);
    if (!backend) {
      throw new SlingError('backend_unavailable', `compute backend "${name}" cannot run here: ${reason}`, {
        field: 'SLING_BACKEND',
        hint: 'unset SLING_BACKEND (or --backend) to pick the fastest that works',
      });
    }
    return { backend, report: `${backend.description} (chosen by SLING_BACKEND)` };
  }
  const skipped: string[] = [];
  for (const candidate of backendNames) {
    const { backend, reason } = tryBackend(candidate, loadNative);
    // A fallback reads "native addon not built (reason); using wasm (...)".
    if (backend) return { backend, report: skipped.length ? `${skipped.join('; ')}; using ${backend.description}` : backend.description };
    skipped.push(reason ?? `${candidate} unavailable`);
  }
  return { backend: referenceBackend, report: referenceBackend.description };
}

export function getBackend(): Backend {
  if (chosen) return chosen;
  const { backend, report } = chooseBackend(process.env.SLING_BACKEND);
  chosen = backend;
  if (process.env.SLING_QUIET_BACKEND !== '1') process.stderr.write(`sling: compute backend ${report}\n`);
  return chosen;
}

/** For tests and benchmarks that compare backends. */
export function setBackend(backend: Backend): void {
  chosen = backend;
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SlingError } from '../../core/errors.ts';
import { loadNativeAddon } from './native-addon.ts';
import { chooseBackend } from './select.ts';

const missingAddon = () => loadNativeAddon('/nonexistent/sling_native.node');

describe('backend selection', () => {
  it('prefers native when the addon is built', { skip: loadNativeAddon().addon ? false : 'native addon not built' }, () => {
    const { backend, report } = chooseBackend(undefined);
    assert.equal(backend.name, 'native');
    assert.equal(report, backend.description);
  });

  it('falls back to wasm and says why once, in the report line', () => {
    const { backend, report } = chooseBackend(undefined, missingAddon);
    assert.equal(backend.name, 'wasm');
    assert.match(report, /^native addon not built \(.+\); using wasm \(SIMD128, \d+ threads?\)$/);
  });

  it('honours SLING_BACKEND', () => {
    assert.equal(chooseBackend('reference').backend.name, 'reference');
    assert.equal(chooseBackend(' wasm ').backend.name, 'wasm');
    assert.match(chooseBackend('reference').report, /chosen by SLING_BACKEND/);
  });

  it('rejects an unknown backend name with a hint', () => {
    assert.throws(
      () => chooseBackend('gpu'),
      (error: unknown) => SlingError.isInstance(error) && error.code === 'backend_unknown' && /native, wasm, reference/.test(error.message),
    );
  });

  it('refuses a requested backend that cannot run, instead of silently using another', () => {
    assert.throws(
      () => chooseBackend('native', missingAddon),
      (error: unknown) => SlingError.isInstance(error) && error.code === 'backend_unavailable' && /not built/.test(error.message),
    );
  });
});

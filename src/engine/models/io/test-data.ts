/**
 * @module engine/models/io/test-data
 * Test helper: where the shared stories260K files are, and a skip reason when they are absent.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const stories260KDir = fileURLToPath(new URL('../../../../../shared/data/stories260K/', import.meta.url));
export const stories260KSkip: string | false = existsSync(stories260KDir) ? false : `shared data folder ${stories260KDir} is absent`;

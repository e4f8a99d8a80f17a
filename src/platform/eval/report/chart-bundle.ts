/**
 * @module platform/eval/report/chart-bundle
 * Chart.js's UMD bundle, read from node_modules so the HTML report can inline it and open offline, with
 * no CDN. The package's exports map hides `dist/chart.umd.js`, so it is found next to the main entry.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SlingError } from '../../../core/errors.ts';

let cached: string | undefined;

export function chartJsBundle(): string {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  const path = join(dirname(require.resolve('chart.js')), 'chart.umd.js');
  try {
    // A literal "</script" inside inlined code would end the script element early.
    cached = readFileSync(path, 'utf8').replace(/<\/script/gi, '<\\/script');
  } catch (error) {
    throw new SlingError('report_chartjs_missing', 'could not read the Chart.js bundle', { file: path, hint: 'run npm install', cause: error });
  }
  return cached;
}

/**
 * @module platform/training/export-job
 * The `export` job: payload `{ run: RUN_DIRECTORY, format: peft|gguf-lora|merged-safetensors|merged-gguf,
 * out?: DIR }`. The exported files are also stored as workspace artifacts.
 */
import { basename, join } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import { EXPORT_FORMATS, exportRun, type ExportFormat } from '../../engine/train/export/export-run.ts';
import type { JobContext } from '../jobs/registry.ts';
import type { JsonObject } from '../store/records.ts';

export interface ExportJobPayload {
  run: string;
  format: string;
  out?: string;
}

export async function exportJob(context: JobContext<ExportJobPayload>): Promise<JsonObject> {
  const { run, format, out } = context.payload ?? ({} as ExportJobPayload);
  if (typeof run !== 'string') throw new SlingError('invalid_job', 'an export job needs "run" (a run directory)', { field: 'run' });
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new SlingError('invalid_job', `unknown export format "${String(format)}"`, { field: 'format', hint: `one of ${EXPORT_FORMATS.join(', ')}` });
  }
  const result = await exportRun(run, format as ExportFormat, out ?? join(run, 'export', format));
  const artifacts: JsonObject = {};
  for (const file of result.files) artifacts[basename(file)] = (await context.workspace.artifacts.putFile(file)).uri;
  await context.log(`exported ${run} as ${format}: ${result.files.join(', ')}`);
  return { format, files: result.files, artifacts };
}

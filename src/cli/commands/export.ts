/**
 * @module cli/commands/export
 * `sling export RUN --format peft|gguf-lora|merged-safetensors|merged-gguf [--out DIR]`.
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import { EXPORT_FORMATS, exportRun, type ExportFormat } from '../../engine/train/export/export-run.ts';

export function register(program: Command): void {
  program
    .command('export')
    .argument('<run>', 'training run directory (the --out of sling train)')
    .requiredOption('--format <format>', EXPORT_FORMATS.join(' | '))
    .option('--out <dir>', 'output folder (default: RUN/export/FORMAT)')
    .option('--json', 'print the written files as JSON')
    .description('export a fine-tuned run as a PEFT adapter, a llama.cpp GGUF LoRA, or merged weights')
    .action(async (run: string, flags: { format: string; out?: string; json?: boolean }) => {
      if (!(EXPORT_FORMATS as readonly string[]).includes(flags.format)) {
        throw new SlingError('invalid_option', `unknown export format "${flags.format}"`, { field: 'format', hint: `one of ${EXPORT_FORMATS.join(', ')}` });
      }
      const result = await exportRun(run, flags.format as ExportFormat, flags.out ?? join(run, 'export', flags.format));
      if (flags.json) console.log(JSON.stringify(result));
      else for (const file of result.files) console.log(`wrote ${file}`);
    });
}

/**
 * @module cli/commands/pull
 * `sling pull ORG/NAME[@REVISION]`: downloads a model from the Hugging Face Hub into the local HF cache
 * (resuming interrupted downloads) and prints the snapshot folder. `--offline` (or HF_HUB_OFFLINE=1) only
 * checks the cache.
 */
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { pullModel } from '../../engine/models/hub/hub-pull.ts';

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export function register(program: Command): void {
  program
    .command('pull')
    .description('download a model from the Hugging Face Hub into the local cache (env HF_TOKEN, HF_ENDPOINT, HF_HOME)')
    .argument('<model>', 'Hub id, e.g. HuggingFaceTB/SmolLM2-135M-Instruct or ORG/NAME@REVISION')
    .option('--offline', 'do not use the network; only resolve from the cache')
    .action(async (model: string, options: { offline?: boolean }) => {
      const bars = new cliProgress.MultiBar(
        { format: ' {file} |{bar}| {percentage}% {done}/{size} MB', hideCursor: true, clearOnComplete: false, stopOnComplete: true },
        cliProgress.Presets.shades_classic,
      );
      const active = new Map<string, cliProgress.SingleBar>();
      try {
        const folder = await pullModel(model, {
          offline: options.offline === true ? true : undefined,
          onNotice: (message) => bars.log(`${message}\n`),
          onFile: (file, size, cached) => {
            if (cached) bars.log(`${file}: already in the cache\n`);
            else active.set(file, bars.create(size, 0, { file: file.padEnd(28), done: '0.0', size: megabytes(size) }));
          },
          onProgress: ({ file, downloaded, total }) => active.get(file)?.update(downloaded, { done: megabytes(downloaded), size: megabytes(total) }),
        });
        bars.stop();
        console.log(folder);
      } finally {
        bars.stop();
      }
    });
}

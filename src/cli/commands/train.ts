/**
 * @module cli/commands/train
 * `sling train --config recipe.yaml` or `sling train --model M --data train.jsonl --out runs/NAME [flags]`:
 * runs the training recipe in this process with a live progress bar, writes the run directory, and prints
 * a summary. Flags override recipe keys (docs/recipe.md lists both). `--resume` continues from the newest
 * checkpoint in --out. Importing this file also registers the `train` and `export` job handlers.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { SlingError } from '../../core/errors.ts';
import { loadRecipe } from '../../engine/train/recipe/load-recipe.ts';
import { runTraining, type TrainingSummary } from '../../engine/train/train-run.ts';
import '../../platform/training/index.ts';
import { trainWithRemoteBackend } from '../../platform/remote-training/train-backend.ts';

interface TrainFlags {
  config?: string; model?: string; tokenizer?: string; data?: string; validation?: string; validationFraction?: string; out?: string;
  full?: boolean; loraR?: string; loraAlpha?: string; loraDropout?: string; targetModules?: string; rslora?: boolean;
  lr?: string; weightDecay?: string; maxGradNorm?: string; schedule?: string; warmupRatio?: string;
  epochs?: string; maxSteps?: string; batchSize?: string; gradAccum?: string; maxSeqLen?: string; packing?: boolean;
  seed?: string; evalInterval?: string; checkpointInterval?: string; patience?: string; bf16?: boolean;
  template?: string; skipInvalid?: boolean; resume?: boolean; json?: boolean; progress?: boolean;
  backend?: string; baseUrl?: string; apiKeyEnv?: string; suffix?: string; name?: string;
}

function number(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new SlingError('invalid_option', `--${flag} must be a number, got "${value}"`, { field: flag });
  return parsed;
}

/** Command-line flags as a partial recipe (undefined keys leave the recipe file's value alone). */
export function overridesFromFlags(flags: TrainFlags): Record<string, unknown> {
  return {
    model: flags.model, tokenizer: flags.tokenizer, out: flags.out,
    method: flags.full ? 'full' : undefined,
    lora: {
      r: number(flags.loraR, 'lora-r'), alpha: number(flags.loraAlpha, 'lora-alpha'), dropout: number(flags.loraDropout, 'lora-dropout'),
      target_modules: flags.targetModules === undefined ? undefined : flags.targetModules === 'all-linear' ? 'all-linear' : flags.targetModules.split(',').map((item) => item.trim()),
      use_rslora: flags.rslora ? true : undefined,
    },
    optimizer: { learning_rate: number(flags.lr, 'lr'), weight_decay: number(flags.weightDecay, 'weight-decay'), max_grad_norm: number(flags.maxGradNorm, 'max-grad-norm') },
    schedule: { kind: flags.schedule, warmup_ratio: number(flags.warmupRatio, 'warmup-ratio') },
    data: {
      train: flags.data, validation: flags.validation, validation_fraction: number(flags.validationFraction, 'validation-fraction'),
      template: flags.template, skip_invalid: flags.skipInvalid ? true : undefined,
      packing: flags.packing === false ? false : undefined, max_sequence_length: number(flags.maxSeqLen, 'max-seq-len'),
    },
    epochs: number(flags.epochs, 'epochs'), max_steps: number(flags.maxSteps, 'max-steps'), batch_size: number(flags.batchSize, 'batch-size'),
    gradient_accumulation: number(flags.gradAccum, 'grad-accum'), seed: number(flags.seed, 'seed'), eval_interval: number(flags.evalInterval, 'eval-interval'),
    checkpoint_interval: number(flags.checkpointInterval, 'checkpoint-interval'), early_stopping_patience: number(flags.patience, 'patience'),
    precision: flags.bf16 ? 'bf16' : undefined,
  };
}

function printSummary(summary: TrainingSummary): void {
  const format = (value: number | null) => (value === null ? '-' : value.toFixed(4));
  console.log(`\nRun ${summary.runDirectory} (${summary.method}): ${summary.steps}/${summary.totalSteps} steps, stopped: ${summary.stopReason}`);
  console.log(`  train loss       ${format(summary.firstLoss)} → ${format(summary.finalLoss)}`);
  console.log(`  validation loss  ${format(summary.initialValidationLoss)} → ${format(summary.finalValidationLoss)} (best ${format(summary.bestValidationLoss)})`);
  console.log(`  examples         ${summary.trainExamples} train, ${summary.validationExamples} validation, ${summary.skippedRows} skipped, ${summary.truncatedExamples} truncated`);
  console.log(`  trainable        ${summary.trainableParameters.toLocaleString('en-US')} parameters`);
  console.log(`  throughput       ${summary.tokensPerSecond.toFixed(0)} tokens/s over ${summary.wallSeconds.toFixed(1)} s`);
  console.log(`  output           ${summary.output}`);
  if (summary.method === 'lora') console.log(`Next: sling export ${summary.runDirectory} --format gguf-lora`);
}

export function register(program: Command): void {
  program
    .command('train')
    .description('fine-tune a model with LoRA (default) or fully, from a recipe file and/or flags (see docs/recipe.md)')
    .option('--config <file>', 'recipe file (YAML or JSON)')
    .option('--model <path>', 'base model: llama2.c .bin, .gguf, or Hugging Face folder')
    .option('--tokenizer <file>', 'tokenizer file for llama2.c checkpoints')
    .option('--data <file>', 'training JSONL (chat messages or prompt/completion)')
    .option('--validation <file>', 'validation JSONL')
    .option('--validation-fraction <x>', 'hold out this share of the training rows when there is no validation file')
    .option('--out <dir>', 'run directory')
    .option('--full', 'full fine-tuning instead of LoRA')
    .option('--lora-r <n>', 'LoRA rank').option('--lora-alpha <x>', 'LoRA alpha').option('--lora-dropout <p>', 'LoRA dropout')
    .option('--target-modules <list>', 'all-linear or a comma-separated list, e.g. q_proj,v_proj')
    .option('--rslora', 'rank-stabilised scale alpha/√r')
    .option('--lr <x>', 'peak learning rate').option('--weight-decay <x>', 'AdamW weight decay').option('--max-grad-norm <x>', 'gradient clipping norm')
    .option('--schedule <kind>', 'constant, linear or cosine').option('--warmup-ratio <x>', 'warm-up share of all steps')
    .option('--epochs <n>', 'passes over the data').option('--max-steps <n>', 'stop after this many optimizer steps')
    .option('--batch-size <n>', 'sequences per micro-batch').option('--grad-accum <n>', 'micro-batches per optimizer step')
    .option('--max-seq-len <n>', 'tokens per sequence').option('--no-packing', 'one example per sequence')
    .option('--seed <n>', 'random seed').option('--eval-interval <n>', 'validation every N steps')
    .option('--checkpoint-interval <n>', 'checkpoint every N steps').option('--patience <n>', 'early-stopping patience (evaluations)')
    .option('--bf16', 'bf16 mixed precision: bf16 matmuls, FP32 master weights (LoRA or full)')
    .option('--template <kind>', 'auto or plain').option('--skip-invalid', 'skip bad rows (reported and counted) instead of stopping')
    .option('--resume', 'continue from the newest checkpoint in --out')
    .option('--json', 'print the summary as JSON')
    .option('--no-progress', 'no progress bar (one line per evaluation instead)')
    .option('--backend <kind>', 'local (default) or remote: any OpenAI-compatible fine-tuning API (see --base-url)', 'local')
    .option('--base-url <url>', 'remote: the provider\'s API base URL, e.g. http://host:8080/v1')
    .option('--api-key-env <name>', 'remote: environment variable holding the API key', 'OPENAI_API_KEY')
    .option('--suffix <text>', 'remote: suffix for the fine-tuned model name').option('--name <name>', 'remote: register the model under this name')
    .action(async (flags: TrainFlags) => {
      const recipe = loadRecipe(flags.config, overridesFromFlags({ ...flags, out: flags.out ?? (flags.backend === 'remote' ? 'remote' : undefined) }));
      if (flags.backend === 'remote') return trainWithRemoteBackend(recipe, flags);
      const interactive = flags.progress !== false && process.stderr.isTTY === true;
      const bar = new cliProgress.SingleBar({
        format: 'step {value}/{total} | epoch {epoch} | loss {loss} | val {validation} | {speed} tok/s | ETA {eta_formatted}',
        stream: process.stderr,
        noTTYOutput: false,
      }, cliProgress.Presets.shades_classic);
      let started = false;
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      try {
        const summary = await runTraining(recipe, {
          resume: flags.resume,
          signal: controller.signal,
          log: (line) => {
            if (!interactive) console.error(line);
          },
          onProgress: (progress) => {
            const payload = { epoch: progress.epoch + 1, loss: progress.loss.toFixed(4), validation: progress.validationLoss?.toFixed(4) ?? '-', speed: progress.tokensPerSecond.toFixed(0) };
            if (!interactive) return;
            if (!started) {
              bar.start(progress.totalSteps, progress.step, payload);
              started = true;
            } else bar.update(progress.step, payload);
          },
        });
        if (started) bar.stop();
        if (flags.json) console.log(JSON.stringify(summary));
        else printSummary(summary);
      } finally {
        if (started) bar.stop();
        process.off('SIGINT', stop);
      }
    });
}

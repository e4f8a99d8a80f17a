/**
 * @module cli/commands/quickstart
 * `sling quickstart`: the main job. Imports the SpamAssassin corpus into a workspace, fine-tunes a base model
 * on it as a job, evaluates the fine-tune against its base and classical baselines, writes an HTML report and
 * serves the dashboard with the results (unless --no-serve).
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { SlingError } from '../../core/errors.ts';
import { runQuickstart } from '../../platform/quickstart/quickstart.ts';
import { createServeStack } from '../../platform/serve/serve-stack.ts';
import { localModelSpec } from '../../platform/serve/local/local-runner.ts';
import { listen } from '../../platform/serve/server.ts';
import { mountDashboard } from '../../web/dashboard.ts';

interface QuickstartFlags {
  dir: string;
  model?: string;
  trainSize: string;
  testSize: string;
  epochs?: string;
  maxSteps: string;
  seed: string;
  bodyChars: string;
  offline?: boolean;
  serve: boolean;
  port: string;
}

function count(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new SlingError('invalid_option', `${flag} must be a whole number, got "${text}"`, { field: flag });
  return value;
}

export function register(program: Command): void {
  program
    .command('quickstart')
    .description('the whole loop on a real dataset: import SpamAssassin, fine-tune, evaluate against base and baselines, open the dashboard')
    .option('--dir <folder>', 'workspace folder (created if missing)', 'sling-quickstart')
    .option('--model <path|hub-id>', 'base model (default: HuggingFaceTB/SmolLM2-135M-Instruct when online, else tiny-random)')
    .option('--train-size <n>', 'training e-mails (half spam, half ham)', '200')
    .option('--test-size <n>', 'test e-mails (half spam, half ham)', '100')
    .option('--epochs <n>', 'training epochs (default: 2 for a real base model, 12 for the untrained fallback)')
    .option('--max-steps <n>', 'stop training after this many optimizer steps (0 = no cap)', '0')
    .option('--seed <n>', 'seed for sampling, training and evaluation', '42')
    .option('--body-chars <n>', 'characters of each e-mail body shown to the model', '200')
    .option('--offline', 'never contact the Hugging Face Hub')
    .option('--no-serve', 'stop after the report instead of serving the dashboard')
    .option('--port <port>', 'dashboard port', '8080')
    .action(async (flags: QuickstartFlags) => {
      const bar = new cliProgress.SingleBar(
        { format: 'training  [{bar}] {percentage}% | step {value}/{total} | loss {loss} | val {validation} | {speed} tok/s', hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000 },
        cliProgress.Presets.shades_classic,
      );
      let barStarted = false;
      let evaluating = '';
      const result = await runQuickstart({
        directory: flags.dir,
        model: flags.model,
        trainSize: count(flags.trainSize, '--train-size'),
        testSize: count(flags.testSize, '--test-size'),
        epochs: flags.epochs === undefined ? undefined : count(flags.epochs, '--epochs'),
        maxSteps: count(flags.maxSteps, '--max-steps'),
        seed: count(flags.seed, '--seed'),
        maxBodyChars: count(flags.bodyChars, '--body-chars'),
        offline: flags.offline,
        log: (line) => {
          if (barStarted) {
            bar.stop();
            barStarted = false;
          }
          console.log(line);
        },
        onTrainingProgress: (progress) => {
          const total = Number(progress.of ?? 0);
          const values = {
            loss: typeof progress.loss === 'number' ? progress.loss.toFixed(3) : '-',
            validation: typeof progress.validationLoss === 'number' ? progress.validationLoss.toFixed(3) : '-',
            speed: typeof progress.tokensPerSecond === 'number' ? progress.tokensPerSecond.toFixed(0) : '-',
          };
          if (!barStarted && total > 0) {
            bar.start(total, 0, values);
            barStarted = true;
          }
          if (barStarted) bar.update(Number(progress.step ?? 0), values);
        },
        onEvaluationProgress: (model, done, total) => {
          if (model !== evaluating || done === total) {
            evaluating = model;
            if (done === total) console.log(`  ${model}: ${total}/${total} answered`);
          }
        },
      });
      if (barStarted) bar.stop();
      console.log('');
      console.log(result.table);
      console.log(`report: ${result.reportPath}`);
      if (result.base.untrained) console.log('note: the base is tiny-random (untrained); run with --model PATH|HUB_ID for real numbers.');
      if (!flags.serve) {
        await result.workspace.close();
        return;
      }
      // A LoRA fine-tune is served as BASE:ADAPTER from its registered adapter; a full fine-tune (the untrained
      // fallback) is a model of its own, so it is served beside its base for the playground and the API.
      const models = [localModelSpec(result.base.name, result.base.uri, {})];
      const tuned = await result.workspace.store.models.get(result.tunedModel);
      if (tuned?.kind === 'base') models.push(localModelSpec(tuned.name, tuned.uri, {}));
      const stack = createServeStack({
        workspace: result.workspace,
        models,
        adapterRoots: [],
        auth: false,
        defaultRateLimit: 0,
        adapterBudgetBytes: 512 * 1024 * 1024,
        extend: (app, { registry }) => mountDashboard(app, { store: result.workspace.store, registry }),
      });
      const server = await listen(stack.app.fetch, { host: '127.0.0.1', port: count(flags.port, '--port'), auth: false });
      console.log(`dashboard: ${server.url}/   (OpenAI-compatible API at ${server.url}/v1, loopback only; Ctrl-C to stop)`);
      const stop = async () => {
        await server.close();
        await stack.recorder.flush();
        await result.workspace.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

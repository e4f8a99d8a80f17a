/**
 * @module cli/commands/eval
 * `sling eval --dataset D --models m1,m2,...`: runs a dataset's test rows through several models (workspace
 * models, openai:MODEL@URL endpoints, baseline:tfidf|majority|gazetteer), scores them with intervals,
 * optionally judges them, stores everything as one evaluation and prints the comparison table.
 */
import type { Command } from 'commander';
import { SlingError } from '../../core/errors.ts';
import { announceToFleet } from '../../platform/fleet/index.ts';
import { withWorkspace } from '../../platform/workspace/index.ts';
import { resolve } from 'node:path';
import { parsePrice } from '../../platform/eval/persist/model-specs.ts';
import { executeEvalRequest, type EvalRequest } from '../../platform/eval/persist/eval-request.ts';
import { loadComparison } from '../../platform/eval/persist/stored-comparison.ts';
import { formatComparisonTable } from '../../platform/eval/report/table.ts';
import type { Criterion } from '../../platform/eval/judge/criteria.ts';
import type { JsonObject } from '../../platform/store/records.ts';
// Registers the `eval` job kind, so `sling worker` (which loads every command) can run queued evaluations.
import '../../platform/eval/persist/eval-job.ts';

interface EvalOptions {
  dataset: string;
  models: string;
  limit?: string;
  sample?: string;
  concurrency: string;
  maxTokens?: string;
  judge?: string;
  headToHead?: boolean;
  criterion: string[];
  grader: string[];
  apiKeyEnv?: string;
  price: string[];
  cpuHourPrice?: string;
  seed: string;
  name?: string;
  json?: boolean;
  background?: boolean;
  resume?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveInteger(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new SlingError('invalid_option', `${flag} must be a whole number, got "${text}"`, { field: flag });
  return value;
}

function parseCriterion(text: string): Criterion {
  const equals = text.indexOf('=');
  if (equals <= 0) throw new SlingError('invalid_criterion', `cannot read criterion "${text}"`, { field: '--criterion', hint: 'write NAME=TEXT, e.g. cites_figure="The answer quotes a number from the sentence"' });
  return { name: text.slice(0, equals).trim(), text: text.slice(equals + 1).trim() };
}

export function register(program: Command): void {
  program
    .command('eval')
    .description('evaluate models on a dataset\'s test split and store the results')
    .requiredOption('--dataset <name[@version]>', 'dataset to evaluate on (its test split)')
    .requiredOption('--models <list>', 'comma-separated: workspace model names, openai:MODEL@URL, baseline:tfidf|majority|gazetteer')
    .option('--limit <n>', 'only the first n test rows')
    .option('--sample <n>', 'n test rows drawn at random (seeded by --seed)')
    .option('--concurrency <n>', 'requests in flight per model', '2')
    .option('--max-tokens <n>', 'answer length limit')
    .option('--judge <model>', 'judge model (same forms as --models) for --head-to-head and --criterion')
    .option('--head-to-head', 'judge every pair of models on every row (needs --judge)')
    .option('--criterion <name=text>', 'PASS/FAIL criterion checked by the judge (repeatable)', collect, [])
    .option('--grader <file>', '.ts/.js file default-exporting (row, output) => score in [0,1] (repeatable)', collect, [])
    .option('--api-key-env <VAR>', 'environment variable with the API key for openai: models')
    .option('--price <model=in/out>', 'dollars per 1M input/output tokens for a model (repeatable)', collect, [])
    .option('--cpu-hour-price <dollars>', 'price of local compute time for unpriced local models (default 0.05)')
    .option('--seed <n>', 'seed for bootstrap resamples and judge position swaps', '0')
    .option('--name <name>', 'name of the evaluation')
    .option('--json', 'print the stored summary as JSON')
    .option('--background', 'queue the evaluation as a job for `sling worker` instead of running it here')
    .option('--resume <id>', 'continue an evaluation that stopped, reusing its stored answers (same flags as the first run)')
    .action(async (options: EvalOptions) => {
      const models = options.models.split(',').map((spec) => spec.trim()).filter(Boolean);
      if (models.length === 0) throw new SlingError('invalid_option', '--models names no model', { field: '--models' });
      if ((options.headToHead || options.criterion.length) && !options.judge) {
        throw new SlingError('invalid_option', '--head-to-head and --criterion need a --judge model', { field: '--judge' });
      }
      const request: EvalRequest = {
        dataset: options.dataset,
        models,
        limit: positiveInteger(options.limit, '--limit'),
        sample: positiveInteger(options.sample, '--sample'),
        seed: positiveInteger(options.seed, '--seed'),
        concurrency: positiveInteger(options.concurrency, '--concurrency'),
        maxTokens: positiveInteger(options.maxTokens, '--max-tokens'),
        judge: options.judge,
        headToHead: options.headToHead,
        criteria: options.criterion.map(parseCriterion),
        graders: options.grader.map((file) => resolve(file)),
        apiKeyEnv: options.apiKeyEnv,
        prices: Object.fromEntries(options.price.map(parsePrice)),
        dollarsPerCpuHour: options.cpuHourPrice === undefined ? undefined : Number(options.cpuHourPrice),
        name: options.name,
      };
      await withWorkspace(async (workspace) => {
        const store = workspace.store;
        if (options.background) {
          const job = await store.jobs.enqueue({ kind: 'eval', payload: request as unknown as JsonObject });
          await announceToFleet(workspace, job, (line) => console.error(line));
          console.log(`Queued evaluation job ${job.id}; run \`sling worker\` to process it and \`sling runs show ${job.id}\` to follow it.`);
          return;
        }
        let lastReport = 0;
        const evaluationId = await executeEvalRequest(store, request, {
          resumeEvaluationId: positiveInteger(options.resume, '--resume'),
          onProgress: (model, done, total) => {
            if (done === total || Date.now() - lastReport > 2000) {
              lastReport = Date.now();
              process.stderr.write(`${model}: ${done}/${total} rows\n`);
            }
          },
        });
        const evaluation = await store.evaluations.require(evaluationId);
        if (options.json) {
          console.log(JSON.stringify({ id: evaluationId, name: evaluation.name, summary: evaluation.summary }));
          return;
        }
        const { modelNames: _names, ...comparison } = await loadComparison(store, [evaluationId], `Evaluation ${evaluationId}: ${evaluation.name}`);
        console.log(formatComparisonTable(comparison));
        console.log(`\nSaved as evaluation ${evaluationId}. HTML report: sling compare ${evaluationId}`);
      });
    });
}

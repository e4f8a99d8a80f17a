/**
 * @module cli/commands/eval
 * `sling eval --dataset D --models m1,m2,...`: runs a dataset's test rows through several models (workspace
 * models, openai:MODEL@URL endpoints, baseline:tfidf|majority|gazetteer), scores them with intervals,
 * optionally judges them, stores everything as one evaluation and prints the comparison table.
 */
import type { Command } from 'commander';
import { SlingError } from '../../core/errors.ts';
import { withWorkspace } from '../../platform/workspace/index.ts';
import { loadDatasetRows } from '../../platform/eval/persist/stored-rows.ts';
import { parsePrice, resolveModelSpec, type ResolveContext } from '../../platform/eval/persist/model-specs.ts';
import { runStoredEvaluation } from '../../platform/eval/persist/stored-evaluation.ts';
import { loadComparison } from '../../platform/eval/persist/stored-comparison.ts';
import { loadGrader } from '../../platform/eval/metrics/custom-grader.ts';
import { formatComparisonTable } from '../../platform/eval/report/table.ts';
import type { ModelPricing } from '../../platform/eval/chat-model.ts';
import type { Criterion } from '../../platform/eval/judge/criteria.ts';
import type { EvalRow } from '../../platform/eval/eval-row.ts';

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
    .action(async (options: EvalOptions) => {
      const specs = options.models.split(',').map((spec) => spec.trim()).filter(Boolean);
      if (specs.length === 0) throw new SlingError('invalid_option', '--models names no model', { field: '--models' });
      if ((options.headToHead || options.criterion.length) && !options.judge) {
        throw new SlingError('invalid_option', '--head-to-head and --criterion need a --judge model', { field: '--judge' });
      }
      const prices: Record<string, ModelPricing> = Object.fromEntries(options.price.map(parsePrice));
      const graders = await Promise.all(options.grader.map(loadGrader));
      await withWorkspace(async (workspace) => {
        const store = workspace.store;
        const data = await loadDatasetRows(store, options.dataset, 'test', {
          limit: positiveInteger(options.limit, '--limit'),
          sample: positiveInteger(options.sample, '--sample'),
          seed: positiveInteger(options.seed, '--seed'),
        });
        let trainRows: Promise<EvalRow[]> | undefined;
        const context: ResolveContext = {
          store,
          trainRows: () => (trainRows ??= loadDatasetRows(store, options.dataset, 'train').then((train) => train.rows)),
          apiKeyEnv: options.apiKeyEnv,
          prices,
          concurrency: positiveInteger(options.concurrency, '--concurrency'),
        };
        const models = [];
        for (const spec of specs) models.push(await resolveModelSpec(spec, context));
        const judge = options.judge ? await resolveModelSpec(options.judge, context) : undefined;
        let lastReport = 0;
        const { evaluationId } = await runStoredEvaluation(store, data, models, {
          name: options.name,
          concurrency: context.concurrency,
          maxTokens: positiveInteger(options.maxTokens, '--max-tokens'),
          graders,
          judge,
          criteria: options.criterion.map(parseCriterion),
          headToHead: options.headToHead,
          seed: positiveInteger(options.seed, '--seed'),
          dollarsPerCpuHour: options.cpuHourPrice === undefined ? undefined : Number(options.cpuHourPrice),
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
        console.log(formatComparisonTable(await loadComparison(store, [evaluationId], `Evaluation ${evaluationId}: ${evaluation.name}`)));
        console.log(`\nSaved as evaluation ${evaluationId}. HTML report: sling compare ${evaluationId}`);
      });
    });
}

/**
 * @module platform/remote-training/train-backend
 * `sling train --backend remote --base-url URL`: the terminal side of remote training — a progress line per
 * event (a bar when stderr is a terminal), Ctrl-C cancels the remote job, and a summary naming the registered model.
 */
import cliProgress from 'cli-progress';
import { SlingError } from '../../core/errors.ts';
import type { Recipe } from '../../engine/train/recipe/recipe-schema.ts';
import { openWorkspace } from '../workspace/workspace.ts';
import { trainRemotely } from './remote-train.ts';

export interface RemoteBackendFlags {
  baseUrl?: string;
  apiKeyEnv?: string;
  suffix?: string;
  name?: string;
  json?: boolean;
  progress?: boolean;
}

export async function trainWithRemoteBackend(recipe: Recipe, flags: RemoteBackendFlags): Promise<void> {
  if (!flags.baseUrl) throw new SlingError('invalid_option', '--backend remote needs --base-url', { field: 'base-url', hint: 'e.g. --base-url http://127.0.0.1:8080/v1 (a `sling serve`) or https://api.openai.com/v1' });
  // A workspace is where the model gets registered; without one the run still happens and the name is printed.
  const workspace = await openWorkspace().catch(() => null);
  const interactive = flags.progress !== false && process.stderr.isTTY === true;
  const bar = new cliProgress.SingleBar({ format: 'remote step {value} | loss {loss} | {status}', stream: process.stderr }, cliProgress.Presets.shades_classic);
  let started = false;
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    const result = await trainRemotely(workspace?.store ?? null, {
      baseUrl: flags.baseUrl,
      apiKey: process.env[flags.apiKeyEnv ?? 'OPENAI_API_KEY'],
      recipe,
      suffix: flags.suffix,
      name: flags.name,
      signal: controller.signal,
      onEvent: (event) => {
        if (!interactive) return void (flags.json ? undefined : console.error(event.message));
        if (event.step === undefined) return;
        if (!started) bar.start(0, 0, { loss: '-', status: event.status });
        started = true;
        bar.setTotal(Math.max(event.step, bar.getTotal()));
        bar.update(event.step, { loss: event.trainLoss?.toFixed(4) ?? '-', status: event.status });
      },
    });
    if (started) bar.stop();
    if (flags.json) console.log(JSON.stringify({ ...result, model: result.model?.name ?? null }));
    else if (result.status !== 'succeeded') console.log(`remote job ${result.jobId} ended: ${result.status}`);
    else console.log(`remote job ${result.jobId} succeeded: ${result.fineTunedModel}${result.model ? ` (registered as "${result.model.name}", kind remote)` : ' (no workspace here: not registered)'}`);
    if (result.status !== 'succeeded') process.exitCode = 1;
  } finally {
    if (started) bar.stop();
    process.off('SIGINT', stop);
    await workspace?.close();
  }
}

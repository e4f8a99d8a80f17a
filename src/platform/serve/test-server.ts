/**
 * @module platform/serve/test-server
 * Test helper: a real `sling serve` stack on a loopback port — a temporary workspace with API keys, the
 * tiny-random base model, random PEFT adapters written to disk — for the OpenAI-client, proxy and browser tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTinyRandomModel } from '../../engine/models/tiny-random.ts';
import { initWorkspace, type Workspace } from '../workspace/index.ts';
import { localModelSpec } from './local/local-runner.ts';
import { writeRandomAdapters } from './local/test-adapters.ts';
import { createServeStack, type ServeStack, type ServeStackOptions } from './serve-stack.ts';
import { listen } from './server.ts';

export interface TestServer {
  url: string;
  key: string;
  workspace: Workspace;
  stack: ServeStack;
  close(): Promise<void>;
}

export async function startTestServer(options: { adapters?: number; auth?: boolean; adapterBudgetBytes?: number; extend?: ServeStackOptions['extend'] } = {}): Promise<TestServer> {
  const folder = mkdtempSync(join(tmpdir(), 'sling-serve-'));
  const workspace = await initWorkspace(join(folder, 'workspace'), {});
  writeRandomAdapters(createTinyRandomModel({ seed: 0 }).model, join(folder, 'adapters'), options.adapters ?? 2);
  const auth = options.auth ?? true;
  const stack = createServeStack({
    workspace,
    models: [localModelSpec('tiny', 'tiny-random')],
    adapterRoots: [join(folder, 'adapters')],
    auth,
    adapterBudgetBytes: options.adapterBudgetBytes,
    extend: options.extend,
  });
  const { key } = auth ? await stack.keys!.create({ name: 'test' }) : { key: '' };
  const server = await listen(stack.app.fetch, { host: '127.0.0.1', port: 0, auth });
  return {
    url: server.url,
    key,
    workspace,
    stack,
    close: async () => {
      await server.close();
      await stack.recorder.flush();
      await workspace.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

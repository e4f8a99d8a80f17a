/** @module cli/commands/init — `sling init [DIR]`: creates a workspace (sling.yaml, database, artifact folder). */
import type { Command } from 'commander';
import { join } from 'node:path';
import { initWorkspace } from '../../platform/workspace/index.ts';

export function register(program: Command): void {
  program
    .command('init')
    .argument('[dir]', 'folder for the workspace (created if missing)', '.')
    .description('create a Sling workspace: sling.yaml, a SQLite database and an artifact folder')
    .action(async (dir: string) => {
      const workspace = await initWorkspace(dir);
      const database = workspace.config.database_url || process.env.SLING_DATABASE_URL ? 'PostgreSQL (SLING_DATABASE_URL)' : join(workspace.root, workspace.config.database);
      await workspace.close();
      console.log(`Created a Sling workspace in ${workspace.root}`);
      console.log(`  config     ${join(workspace.root, 'sling.yaml')}`);
      console.log(`  database   ${database}`);
      console.log(`  artifacts  ${workspace.artifacts.root}`);
      console.log('Next: sling data import FILE --name NAME');
    });
}

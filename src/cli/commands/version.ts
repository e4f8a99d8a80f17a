/** @module cli/commands/version — `sling version`: prints versions of Sling, Node and the compute backend. */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';

export function register(program: Command): void {
  program
    .command('version')
    .description('print the Sling and Node.js versions')
    .action(() => {
      const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
      console.log(`sling ${pkg.version} (node ${process.version})`);
    });
}

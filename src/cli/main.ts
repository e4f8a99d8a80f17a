/**
 * @module cli/main
 * The `sling` command. Each file in ./commands registers one command (or command group) on the program,
 * so adding a command never means editing a shared list.
 */
import { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SlingError } from '../core/errors.ts';

export interface CommandModule {
  register(program: Command): void;
}

export async function buildProgram(): Promise<Command> {
  const program = new Command('sling')
    .description('Turn small open models into specialists: capture, curate, fine-tune, evaluate, serve.')
    .option('--backend <name>', 'compute backend: native, wasm or reference (default: fastest that works; env SLING_BACKEND)')
    .hook('preAction', (command) => {
      const backend = command.opts().backend as string | undefined;
      if (backend) process.env.SLING_BACKEND = backend;
    })
    .showHelpAfterError();
  const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  const files = readdirSync(commandsDir)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .sort();
  for (const file of files) {
    const module = (await import(pathToFileURL(join(commandsDir, file)).href)) as CommandModule;
    module.register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (SlingError.isInstance(error)) {
      console.error(`error [${error.code}]: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
}

#!/usr/bin/env node
// The `sling` command. Sources are TypeScript; tsx compiles them on the fly so a checkout runs without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);

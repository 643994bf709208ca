#!/usr/bin/env node
// The `bakehouse` command: loads the TypeScript CLI through tsx, so that
// `npx bakehouse` works right after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `bakehouse` command: loads the TypeScript CLI through tsx, so that
// `npx bakehouse` works right after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

// The Node 20 this project pins gets the AWS SDK's notice that its later
// releases need Node 22 on every run; the README says so once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// A reader that stops early (`bakehouse logs <build> | head`) is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));

#!/usr/bin/env node
// The `otcwatch` bin runs the CLI compiled to JavaScript in dist/ (`npm run
// build`, which `npm ci` runs as its `prepare` step): no TypeScript compiler
// is loaded at run time, so a command starts in a fraction of a second.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/scripts/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('otcwatch: the compiled CLI (dist/) is missing; build it with: npm run build (npm ci does it too)\n');
  process.exit(1);
}
await import(cli.href);

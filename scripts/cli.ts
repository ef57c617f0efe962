import { Command } from 'commander';
import { OTCWATCH_VERSION } from '../crawler/version.ts';
import { commands, invokedCommand } from './commands/index.ts';
import { safeText } from './output/safe-text.ts';

/**
 * The `otcwatch` command line: each command is one file in `commands/`,
 * imported only when it runs; the others are listed by name for `--help`.
 * Errors end the process with exit code 1 and one line saying why.
 */
const program = new Command('otcwatch')
  .description('Watch OTC / P2P crypto marketplaces: crawl, snapshot, diff and alert on seller listings.')
  .version(OTCWATCH_VERSION)
  .showHelpAfterError('(add --help for usage)');

// `otcwatch export … | head`: a reader that stops early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

try {
  const invoked = invokedCommand(process.argv.slice(2));
  for (const entry of commands) {
    const command = program.command(entry.name).description(entry.description);
    if (entry.name === invoked) (await entry.load())(command);
  }
  await program.parseAsync(process.argv);
} catch (error) {
  // A message can quote seller text (a parse error, a page title): it passes the output boundary too.
  process.stderr.write(`otcwatch: ${safeText((error as Error).message)}\n`);
  if (process.env.OTCWATCH_DEBUG) process.stderr.write(`${safeText(String((error as Error).stack), { lines: true })}\n`);
  process.exitCode = 1;
}

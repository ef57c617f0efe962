/**
 * `npm run bench [name...]`: runs the named benchmarks (all when none is
 * named). Each prints its measured figures and the command that made them.
 * A benchmark is one file here and one line below.
 */
const benchmarks: Record<string, () => Promise<{ run(argv: string[]): Promise<void> }>> = {
  crawl: () => import('./crawl-bench.ts'),
  browser: () => import('./browser-bench.ts'),
  declarative: () => import('./declarative-bench.ts'),
  diff: () => import('./diff-bench.ts'),
<<<<<<< HEAD
  workers: () => import('./workers-bench.ts'),
  export: () => import('./export-bench.ts'),
=======
  startup: () => import('./startup-bench.ts'),
>>>>>>> a78f7e9 (Start-up: the bin runs TypeScript compiled to dist/ (built by prepare/pretest), commands load only when they run, one query says whether the schema is current, the payment-method table and built-in sources are rewritten only when their hash moved, and read-only commands open the store READ ONLY so a SELECT-only role can run them; the application no longer imports UsageError or CLI formatting (scripts/text))
};

const [, , ...argv] = process.argv;
const names = argv.filter((a) => !a.startsWith('-'));
const selected = names.length > 0 ? names : Object.keys(benchmarks);
for (const name of selected) {
  const load = benchmarks[name];
  if (!load) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(', ')}\n`);
    process.exit(1);
  }
  console.log(`\n## ${name}`);
  await (await load()).run(argv.filter((a) => a.startsWith('-')));
}

export {};

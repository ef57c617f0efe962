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
  workers: () => import('./workers-bench.ts'),
  export: () => import('./export-bench.ts'),
  startup: () => import('./startup-bench.ts'),
  http: () => import('./http-bench.ts'),
  views: () => import('./views-bench.ts'),
  score: () => import('./score-bench.ts'),
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

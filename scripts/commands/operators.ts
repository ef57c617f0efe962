import type { Command } from 'commander';
import { explainOperator, findOperatorsByRef, listOperators, type OperatorExplanation } from '../../store/operator-report.ts';
import { intOption, print, printJson, UsageError, withStore } from '../cli-context.ts';
import { describeEvidence } from '../format/signal-evidence.ts';
import { formatTable } from '../format/table.ts';

export function registerOperators(command: Command): void {
  const operators = command
    .addHelpText('after', '\nExamples:\n  otcwatch operators --domestic\n  otcwatch operators --min-score 30 --source demo-api --json\n  otcwatch operators explain 12\n  otcwatch operators explain demo:s0012');

  operators
    .command('list', { isDefault: true })
    .description('list operators, highest score first')
    .option('--domestic', 'only domestic-facing operators (score at or above the threshold)')
    .option('--min-score <n>', 'only operators scoring at least this (0–100)')
    .option('--source <id>', 'only operators seen by this source')
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print as JSON')
    .action(async (options: { domestic?: boolean; minScore?: string; source?: string; limit: string; json?: boolean }) => {
      const minScore = options.minScore === undefined ? undefined : Number(options.minScore);
      if (minScore !== undefined && !(minScore >= 0 && minScore <= 100)) throw new UsageError(`--min-score must be a number from 0 to 100, got "${options.minScore}"`);
      await withStore(async (store) => {
        const rows = await listOperators(store.db, {
          domesticOnly: Boolean(options.domestic),
          ...(minScore !== undefined ? { minScore } : {}),
          ...(options.source ? { sourceId: options.source } : {}),
          limit: intOption('--limit', options.limit, 1)!,
        });
        if (options.json) {
          printJson(rows);
          return;
        }
        print(
          formatTable(
            rows.map((r) => ({
              id: r.id,
              platform: r.platform,
              key: r.operatorKey,
              name: r.name,
              score: r.score === null ? '' : r.score.toFixed(1),
              domestic: r.domesticFacing ? 'yes' : '',
              signals: r.signals.map((s) => `${s.signal} ${s.points}`).join(', '),
              last_seen: r.lastSeenAt.toISOString(),
            })),
            { maxCellWidth: 160 },
          ),
        );
      }, 'read');
    });

  operators
    .command('explain')
    .description("show every signal of an operator's score: weight, strength, points and the observations behind it")
    .argument('<operator>', "the operator: its id (see: otcwatch operators), the platform's id of the seller, or platform:id (okx:10086)")
    .option('--json', 'print as JSON')
    .action(async (ref: string, options: { json?: boolean }) => {
      await withStore(async (store) => {
        const found = await findOperatorsByRef(store.db, ref);
        if (found.length === 0) throw new UsageError(`no operator "${ref}" (an id, a platform's seller id, or platform:id); list them with: otcwatch operators`);
        if (found.length > 1) throw new UsageError(`"${ref}" names ${found.length} operators: ${found.map((o) => `#${o.id} ${o.platform}:${o.operatorKey}`).join(', ')}; give platform:id or the id`);
        const why = await explainOperator(store.db, found[0]!.id);
        if (!why) throw new UsageError(`no operator #${found[0]!.id}`);
        if (options.json) printJson(why);
        else print(describeExplanation(why));
      }, 'read');
    });
}

/** The readable form of `operators explain`. */
function describeExplanation(why: OperatorExplanation): string {
  const lines = [
    `operator #${why.id} ${why.name} on ${why.platform} (${why.operatorKey}), seen ${why.firstSeenAt.toISOString()} – ${why.lastSeenAt.toISOString()}`,
  ];
  if (why.score === null) {
    lines.push('not scored yet: operators are scored after each run (otcwatch run) that sees them');
    return lines.join('\n');
  }
  const verdict = why.domesticFacing ? 'domestic-facing' : 'not domestic-facing';
  lines.push(`score ${why.score.toFixed(2)} of 100: ${verdict} (threshold ${why.threshold}); scored after run #${why.runId ?? '?'} at ${why.computedAt?.toISOString() ?? '?'}`, '');
  lines.push(
    formatTable(
      why.signals.map((s) => ({ signal: s.signal, weight: s.weight, strength: s.strength.toFixed(3), points: s.points.toFixed(2) })),
    ),
  );
  for (const s of why.signals) {
    lines.push('', `${s.signal}: ${s.weight} × ${s.strength.toFixed(3)} = ${s.points.toFixed(2)}`);
    for (const line of describeEvidence(s.signal, s.evidence)) lines.push(`  ${line}`);
  }
  return lines.join('\n');
}

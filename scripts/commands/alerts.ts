import type { Command } from 'commander';
import { undeliveredCounts } from '../../store/alert-deliveries.ts';
import { ackAlert, ALERT_KINDS, listAlerts, type AlertKind } from '../../store/alerts.ts';
import { configuredSinks } from '../alerts/configured-sinks.ts';
import { deliverAlerts } from '../alerts/deliver-alerts.ts';
import { intOption, print, printError, printJson, UsageError, withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';

export function registerAlerts(command: Command): void {
  const alerts = command
    .addHelpText('after', '\nExamples:\n  otcwatch alerts --since 2h\n  otcwatch alerts --kind new_domestic_payment_method --json\n  otcwatch alerts ack 12\n  otcwatch alerts deliver');

  alerts
    .command('list', { isDefault: true })
    .description('alerts not yet acknowledged, newest first')
    .option('--since <when>', 'only alerts since an ISO time (2024-05-01T08:00Z) or a duration back from now (90m, 2h, 3d)')
    .option('--kind <kind>', `only this kind: ${ALERT_KINDS.join(', ')}`)
    .option('--all', 'include acknowledged alerts')
    .option('--baseline', "include the per-operator alerts of sources' first runs (delivered only as their baseline_digest)")
    .option('--limit <n>', 'how many', '100')
    .option('--json', 'print as JSON (payload included)')
    .action(async (options: { since?: string; kind?: string; all?: boolean; baseline?: boolean; limit: string; json?: boolean }) => {
      const kind = options.kind === undefined ? undefined : kindOption(options.kind);
      const since = options.since === undefined ? undefined : sinceOption(options.since, new Date());
      const limit = intOption('--limit', options.limit, 1)!;
      await withStore(async (store) => {
        const rows = await listAlerts(store.db, { includeAcked: Boolean(options.all), includeBaseline: Boolean(options.baseline), limit, ...(kind ? { kind } : {}), ...(since ? { since } : {}) });
        if (options.json) {
          printJson(rows);
          return;
        }
        print(
          formatTable(
            rows.map((a) => ({
              id: a.id,
              created: a.createdAt.toISOString(),
              kind: a.kind,
              source: a.sourceId,
              run: a.runId,
              subject: a.subject,
              ...(options.all ? { acked: a.ackedAt?.toISOString() ?? '' } : {}),
            })),
            { maxCellWidth: 100 },
          ),
        );
      }, 'read');
    });

  alerts
    .command('ack')
    .description('acknowledge alerts: kept, but no longer listed without --all')
    .argument('<id...>', 'alert ids')
    .action(async (ids: string[]) => {
      const parsed = ids.map((id) => intOption('alert id', id, 1)!);
      await withStore(async (store) => {
        for (const id of parsed) {
          if (!(await ackAlert(store.db, id))) throw new UsageError(`no alert #${id}; list them with: otcwatch alerts --all`);
        }
        print(`acknowledged ${parsed.map((id) => `#${id}`).join(', ')}`);
      });
    });

  alerts
    .command('deliver')
    .description('deliver pending alerts to the configured sinks now, retrying failed deliveries without waiting for their backoff')
    .action(async () => {
      const sinks = configuredSinks(process.env);
      await withStore(async (store) => {
        const report = await deliverAlerts(store.db, sinks, { retryNow: true, log: (line) => printError(line) });
        print(`delivered ${report.delivered} (sinks: ${sinks.map((s) => s.name).join(', ')})`);
        for (const left of await undeliveredCounts(store.db)) {
          print(`  ${left.count} ${left.status} for ${left.sink}, next attempt after ${left.nextAttemptAt.toISOString()}`);
        }
        if (report.failures.length > 0) process.exitCode = 1;
      });
    });
}

function kindOption(value: string): AlertKind {
  const kind = ALERT_KINDS.find((k) => k === value);
  if (!kind) throw new UsageError(`--kind must be one of ${ALERT_KINDS.join(', ')}, got "${value}"`);
  return kind;
}

/**
 * `--since`: an ISO time, or a duration back from `now`.
 *
 * @example
 * sinceOption('2h', now);                 // two hours before now
 * sinceOption('2024-05-01T08:00Z', now);  // that instant
 */
function sinceOption(value: string, now: Date): Date {
  const duration = /^(\d+)\s*(m|h|d)$/.exec(value.trim());
  if (duration) {
    const unitMs = { m: 60_000, h: 3600_000, d: 86_400_000 }[duration[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(duration[1]) * unitMs);
  }
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw new UsageError(`--since must be an ISO time (2024-05-01T08:00Z) or a duration (90m, 2h, 3d), got "${value}"`);
  return new Date(at);
}

import type { Command } from 'commander';
import { addSchedule, listSchedules, removeSchedule, setScheduleEnabled } from '../../store/schedules.ts';
import { findSource } from '../../store/sources.ts';
import { intOption, limitOption, print, printJson, UsageError, withStore } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';
import { cronOf, everyToCron, nextOccurrence } from '../jobs/schedule-timing.ts';

export function registerSchedule(command: Command): void {
  const schedule = command
    .addHelpText(
      'after',
      '\nExamples:\n  otcwatch schedule add demo-api --cron "*/15 * * * *"\n  otcwatch schedule add demo-html --every 1h --tz Asia/Shanghai\n  otcwatch schedule list\n  otcwatch schedule pause 2',
    );

  schedule
    .command('add')
    .description('crawl a source on a cron pattern (5 fields, or 6 with seconds first) or every interval')
    .argument('<source>', 'source id (see: otcwatch sources)')
    .option('--cron <pattern>', 'cron pattern, e.g. "*/15 * * * *" or "*/30 * * * * *" (seconds); default: the schedule a declarative source declares')
    .option('--every <interval>', 'shorthand aligned to the clock: 30s, 15m, 2h, 1d')
    .option('--tz <zone>', 'IANA time zone the pattern is read in', 'UTC')
    .option('--max-pages <n>', 'page cap of each scheduled crawl')
    .action(async (sourceId: string, options: { cron?: string; every?: string; tz: string; maxPages?: string }) => {
      if (options.cron && options.every) throw new UsageError('give one of --cron or --every, not both');
      const maxPages = limitOption('--max-pages', options.maxPages, 'maxPages');
      await withStore(async (store) => {
        const source = await findSource(store.db, sourceId);
        if (!source) throw new UsageError(`unknown source "${sourceId}"; list them with: otcwatch sources`);
        const declared = typeof source.params.schedule === 'string' ? source.params.schedule : undefined;
        const pattern = options.cron ?? (options.every ? everyToCron(options.every) : declared);
        if (!pattern) throw new UsageError(`give --cron or --every: source ${sourceId} declares no schedule`);
        cronOf(pattern, options.tz);
        const row = await addSchedule(store.db, { sourceId, cron: pattern, timezone: options.tz, maxPages: maxPages ?? null });
        print(`schedule #${row.id}: ${sourceId} on "${pattern}" (${row.timezone}); next run ${nextOccurrence(row)?.toISOString() ?? 'never'} while otcwatch run is up`);
      });
    });

  schedule
    .command('list', { isDefault: true })
    .description('list schedules with their next and last run')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      await withStore(async (store) => {
        const now = new Date();
        const rows = (await listSchedules(store.db)).map((s) => {
          const next = s.enabled && s.source_enabled ? nextOccurrence(s) : null;
          return {
            id: s.id,
            source: s.source_id,
            cron: s.cron,
            tz: s.timezone,
            state: !s.enabled ? 'paused' : s.source_enabled ? 'active' : 'source disabled',
            next_run: next ? `${next.toISOString()}${next <= now ? ' (owed: runs when otcwatch run starts)' : ''}` : '',
            last_run: s.last_run_id ? `#${s.last_run_id} ${s.last_run_status} ${s.last_run_started_at?.toISOString()}` : '',
            max_pages: s.max_pages ?? '',
          };
        });
        if (options.json) printJson(rows);
        else print(formatTable(rows, { maxCellWidth: 70 }));
      });
    });

  schedule
    .command('remove')
    .description('delete a schedule')
    .argument('<id>', 'schedule id')
    .action(async (id: string) => {
      await changeSchedule(id, 'removed', (db, n) => removeSchedule(db, n));
    });

  schedule
    .command('pause')
    .description('stop firing a schedule until resumed')
    .argument('<id>', 'schedule id')
    .action(async (id: string) => {
      await changeSchedule(id, 'paused', (db, n) => setScheduleEnabled(db, n, false));
    });

  schedule
    .command('resume')
    .description('fire a paused schedule again, from its next occurrence (no catch-up for the pause)')
    .argument('<id>', 'schedule id')
    .action(async (id: string) => {
      await changeSchedule(id, 'resumed', (db, n) => setScheduleEnabled(db, n, true));
    });
}

async function changeSchedule(id: string, done: string, change: (db: Parameters<typeof removeSchedule>[0], id: number) => Promise<boolean>): Promise<void> {
  const scheduleId = intOption('schedule id', id, 1)!;
  await withStore(async (store) => {
    if (!(await change(store.db, scheduleId))) throw new UsageError(`no schedule #${scheduleId}; list them with: otcwatch schedule list`);
    print(`schedule #${scheduleId} ${done}`);
  });
}

import { Argument, type Command } from 'commander';
import { EXPORT_TABLES, type ExportTableName } from '../../store/export/export-tables.ts';
import { printError, UsageError, withStore } from '../cli-context.ts';
import { EXPORT_FORMATS, exportTable, type ExportFormat } from '../export/export-table.ts';
import { runFilterOptions } from './report.ts';

export function registerExport(command: Command): void {
  command
    .addArgument(new Argument('<table>', 'what to export').choices(Object.keys(EXPORT_TABLES)))
    .requiredOption('--format <format>', `file format: ${EXPORT_FORMATS.join(', ')}`)
    .option('--out <file>', 'write this file (default: stdout; Parquet needs a file)')
    .option('--source <id...>', 'only rows of these sources\' runs')
    .option('--since <date>', 'only rows of runs started at or after this date or ISO time')
    .option('--raw', 'seller text exactly as stored: contact handles in full, control characters kept')
    .addHelpText(
      'after',
      '\nExamples:\n  otcwatch export observations --format csv --out observations.csv\n  otcwatch export listings --format jsonl --source demo-api | jq .listing_key\n  otcwatch export observations --format parquet --since 2024-05-01 --out may.parquet',
    )
    .action(async (table: ExportTableName, options: { format: string; out?: string; source?: string[]; since?: string; raw?: boolean }) => {
      const format = EXPORT_FORMATS.find((f) => f === options.format);
      if (!format) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${options.format}"`);
      if (format === 'parquet' && !options.out) throw new UsageError('Parquet is binary: give --out FILE');
      const filter = runFilterOptions(options);
      await withStore(async (store) => {
        const started = performance.now();
        const { rows } = await exportTable(store.db, { table, format: format satisfies ExportFormat, filter, raw: Boolean(options.raw), ...(options.out ? { out: options.out } : {}) });
        const seconds = (performance.now() - started) / 1000;
        // stdout may be the data itself: the summary goes to stderr.
        printError(`exported ${rows} ${table} rows as ${format}${options.out ? ` to ${options.out}` : ''} in ${seconds.toFixed(2)} s`);
      }, 'read');
    });
}

import { Cron } from 'croner';

/**
 * A schedule pattern, zone or `--every` interval that cannot be used; its
 * message names the value and what to give instead.
 */
export class ScheduleTimingError extends Error {
  override readonly name = 'ScheduleTimingError';
}

/** What timing needs of a schedule row. */
export interface Timed {
  cron: string;
  timezone: string;
  due_after: Date;
}

/**
 * A croner job used only to compute occurrences (never to run anything).
 * Throws a ScheduleTimingError naming the pattern or zone when croner rejects it.
 *
 * @example
 * cronOf('*' + '/15 * * * *', 'UTC').nextRun(new Date('2024-01-01T10:00:07Z')); // 2024-01-01T10:15:00Z
 */
export function cronOf(pattern: string, timezone: string): Cron {
  let cron: Cron;
  try {
    cron = new Cron(pattern, { timezone, paused: true });
    cron.nextRun();
  } catch (error) {
    throw new ScheduleTimingError(`invalid schedule "${pattern}" (time zone ${timezone}): ${(error as Error).message}`);
  }
  return cron;
}

/**
 * The occurrence a schedule owes: the first one strictly after `due_after`,
 * or null when the pattern has no future occurrence. Owed when not after now.
 *
 * @example
 * const due = nextOccurrence(schedule);
 * if (due && due <= new Date()) fire(schedule);
 */
export function nextOccurrence(schedule: Timed): Date | null {
  return cronOf(schedule.cron, schedule.timezone).nextRun(schedule.due_after);
}

const UNITS = {
  s: { divides: 60, pattern: (n: string) => `${n} * * * * *` },
  m: { divides: 60, pattern: (n: string) => `${n} * * * *` },
  h: { divides: 24, pattern: (n: string) => `0 ${n} * * *` },
} as const;

/**
 * Turns `--every` into the cron pattern it is shorthand for, aligned to the
 * clock: the interval must divide its unit (a minute, an hour, a day), and
 * a day is `1d` (midnight in the schedule's time zone).
 *
 * @example
 * everyToCron('15m'); // "*" + "/15 * * * *"
 * everyToCron('30s'); // "*" + "/30 * * * * *"
 * everyToCron('1d');  // "0 0 * * *"
 * everyToCron('7m');  // throws: 7 does not divide 60
 */
export function everyToCron(every: string): string {
  const match = /^(\d+)\s*([smhd])$/.exec(every.trim());
  if (!match) throw new ScheduleTimingError(`--every must look like 30s, 15m, 2h or 1d, got "${every}"`);
  const n = Number(match[1]);
  const unit = match[2] as 's' | 'm' | 'h' | 'd';
  if (unit === 'd') {
    if (n !== 1) throw new ScheduleTimingError(`--every ${every}: only 1d is supported; use --cron for other day intervals`);
    return '0 0 * * *';
  }
  const { divides, pattern } = UNITS[unit];
  if (n < 1 || divides % n !== 0) {
    throw new ScheduleTimingError(`--every ${every}: ${n} does not divide ${divides}, so it cannot repeat evenly on the clock; use --cron`);
  }
  return pattern(n === 1 ? '*' : `*/${n}`);
}

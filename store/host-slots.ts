import { sql, type Kysely } from 'kysely';
import type { HostSlot, HostSlots } from '../crawler/fetch/host-slots.ts';
import type { Database } from './schema.ts';

/**
 * `HostSlots` on the store: each reservation is one atomic upsert of the
 * host's row, so processes on any number of machines sharing the database
 * take turns with no lock held between requests. The next start is the
 * later of now and the last reserved start plus the gap — the larger of
 * the caller's and the one declared there lately, which holds for the
 * declarer's gap plus `leaseMs` after its last reservation, so a strict
 * source binds everyone while it crawls and lets go when it stops.
 * Times are the database's (`clock_timestamp()`), so hosts' clocks need
 * not agree.
 *
 * @example
 * const limiter = new HostLimiter({ slots: storeHostSlots(store.db) });
 */
export function storeHostSlots(db: Kysely<Database>, options: { leaseMs?: number } = {}): HostSlots {
  const leaseMs = options.leaseMs ?? 60_000;
  return {
    async reserve(host, gapMs, signal) {
      signal?.throwIfAborted();
      const ms = (value: number) => sql`(${value}::double precision * interval '1 millisecond')`;
      const stillDeclared = sql`(s.gap_until > clock_timestamp() and s.gap_ms > excluded.gap_ms)`;
      const row = await sql<{ at: Date; wait_ms: number }>`
        insert into host_slots as s (host, last_start_at, gap_ms, gap_until)
        values (${host}, clock_timestamp(), ${gapMs}, clock_timestamp() + ${ms(gapMs + leaseMs)})
        on conflict (host) do update set
          last_start_at = greatest(
            clock_timestamp(),
            s.last_start_at + (case when ${stillDeclared} then s.gap_ms else excluded.gap_ms end) * interval '1 millisecond'
          ),
          gap_ms = case when ${stillDeclared} then s.gap_ms else excluded.gap_ms end,
          gap_until = case when ${stillDeclared} then s.gap_until else excluded.gap_until end
        returning last_start_at as at, greatest(0, extract(epoch from (last_start_at - clock_timestamp())) * 1000)::double precision as wait_ms
      `.execute(db);
      const slot = row.rows[0]!;
      return { at: new Date(slot.at), waitMs: Number(slot.wait_ms) } satisfies HostSlot;
    },
  };
}

import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { HostSlots } from '../crawler/fetch/host-slots.ts';
import type { Database } from './schema.ts';

/**
 * `HostSlots` on the store: each claim is one atomic upsert of the host's
 * row, so processes on any number of machines sharing the database take
 * turns with no lock held between requests. The host's gap is the larger
 * of the caller's and the one declared there lately — a declaration holds
 * for its gap plus `leaseMs` after the declarer's last claim, so a strict
 * source binds everyone while it crawls and lets go when it stops. A claim
 * wins when that gap has passed since the last claimed start (it then
 * becomes the last start, marked with the claim's token); otherwise it
 * learns how long is left. Times are the database's (`clock_timestamp()`).
 *
 * @example
 * const limiter = new HostLimiter({ slots: storeHostSlots(store.db) });
 */
export function storeHostSlots(db: Kysely<Database>, options: { leaseMs?: number } = {}): HostSlots {
  const leaseMs = options.leaseMs ?? 60_000;
  return {
    async claim(host, gapMs, signal) {
      signal?.throwIfAborted();
      const token = randomUUID();
      const ms = (value: unknown) => sql`((${value})::double precision * interval '1 millisecond')`;
      // The stored declaration is stricter than the caller's and has not lapsed.
      const stricter = sql`(s.gap_until > clock_timestamp() and s.gap_ms > excluded.gap_ms)`;
      const gap = sql`(case when ${stricter} then s.gap_ms else excluded.gap_ms end)`;
      const due = sql`(s.last_start_at + ${ms(gap)} <= clock_timestamp())`;
      const { rows } = await sql<{ claimed: boolean; wait_ms: number }>`
        insert into host_slots as s (host, last_start_at, claimed_by, gap_ms, gap_until)
        values (${host}, clock_timestamp(), ${token}, ${gapMs}, clock_timestamp() + ${ms(gapMs + leaseMs)})
        on conflict (host) do update set
          last_start_at = case when ${due} then clock_timestamp() else s.last_start_at end,
          claimed_by = case when ${due} then excluded.claimed_by else s.claimed_by end,
          gap_ms = ${gap},
          gap_until = case when ${stricter} then s.gap_until else excluded.gap_until end
        returning claimed_by = ${token} as claimed,
          greatest(0, extract(epoch from (last_start_at + ${ms(sql`gap_ms`)} - clock_timestamp())) * 1000)::double precision as wait_ms
      `.execute(db);
      const row = rows[0]!;
      // A lost claim waits at least 1 ms, so "0" always means "claimed".
      return row.claimed ? 0 : Math.max(1, Math.ceil(Number(row.wait_ms)));
    },
  };
}

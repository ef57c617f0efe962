import type { NormalizedListing } from '../../crawler/listing.ts';
import type { Store } from '../../store/connection.ts';
import { startRun } from '../../store/crawl-runs.ts';
import { writeSnapshot, type SnapshotPage } from '../../store/snapshot-writer.ts';
import { upsertSource } from '../../store/sources.ts';

/**
 * A listing of operator `op` (named `seller <op>`) taking `methods`: codes,
 * `?raw` for an unknown method, `!code` for one its terms refuse.
 *
 * @example
 * handListing('L1', 'X', ['alipay', '!wechat_pay'], '7.10')
 */
export function handListing(key: string, op: string, methods: string[], price: string | null = '7.00', available = '100'): NormalizedListing {
  return {
    listingKey: key,
    operatorKey: `id:${op}`,
    operatorName: `seller ${op}`,
    side: 'sell',
    asset: 'USDT',
    fiat: 'CNY',
    price,
    available,
    minOrder: '100',
    maxOrder: '5000',
    paymentMethods: methods.map((m) =>
      m.startsWith('?') ? { code: null, raw: m.slice(1) } : m.startsWith('!') ? { code: m.slice(1), raw: m.slice(1), stance: 'refused' as const } : { code: m, raw: m },
    ),
    terms: null,
    completionRate: null,
    orderCount: null,
    monthOrderCount: null,
  };
}

/** Registers the source `hand` (platform `hand`) that `handSnapshot` writes runs of. */
export async function handSource(store: Store): Promise<void> {
  await upsertSource(store.db, { id: 'hand', adapter: 'demo-api', platform: 'hand', kind: 'api', baseUrl: 'http://hand.invalid' });
}

/**
 * One finished run of source `hand` that read `listings` on one page;
 * returns its id.
 *
 * @example
 * const A = await handSnapshot(store, 'complete', [handListing('L1', 'X', ['alipay'])]);
 */
export async function handSnapshot(store: Store, status: 'complete' | 'partial', listings: NormalizedListing[]): Promise<number> {
  const runId = await startRun(store.db, 'hand');
  await writeSnapshot(store.db, { runId, platform: 'hand', status, error: null, pages: [handPage(listings)] });
  return runId;
}

/** The one page of a `hand` run, read well, holding `listings`. */
export function handPage(listings: NormalizedListing[]): SnapshotPage {
  return { url: 'http://hand.invalid/1', fetchedAt: new Date(), outcome: 'ok', httpStatus: 200, error: null, sha256: null, bytes: null, serverIp: null, exchanges: [], failures: [], listings };
}

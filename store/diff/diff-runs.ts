import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { resolveDiffPair, type DiffPairRequest } from './diff-pair.ts';
import { listingMethodsOnlyIn, operatorMethodsOnlyIn } from './method-facts.ts';
import { movesOver } from './move-facts.ts';
import { listingsOnlyIn, operatorsOnlyIn } from './presence-facts.ts';
import { DEFAULT_THRESHOLDS, type DiffThresholds, type RunDiff } from './run-diff.ts';

export interface DiffRequest extends DiffPairRequest {
  thresholds?: Partial<DiffThresholds> | undefined;
}

/**
 * Compares two runs of a source in SQL: set differences and joins on
 * keyed observations (see `resolveDiffPair` for which runs, `RunDiff` for
 * the facts), all read in one read-only snapshot on one connection.
 * Returns null when the source has no pair of runs to compare yet.
 *
 * @example
 * const diff = await diffRuns(db, { sourceId: 'demo-api', thresholds: { price: 0.005 } });
 * const named = await diffRuns(db, { sourceId: 'demo-api', fromRunId: 3, toRunId: 9 });
 */
export async function diffRuns(db: Kysely<Database>, request: DiffRequest): Promise<RunDiff | null> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute((trx) => diffIn(trx, request));
}

async function diffIn(db: Kysely<Database>, request: DiffRequest): Promise<RunDiff | null> {
  const pair = await resolveDiffPair(db, request);
  if (!pair) return null;
  const thresholds = { ...DEFAULT_THRESHOLDS, ...request.thresholds };
  const from = pair.from.id;
  const to = pair.to.id;
  const vanishedReported = pair.to.status === 'complete';
  const absences = <T>(query: () => Promise<T[]>): Promise<T[]> => (vanishedReported ? query() : Promise.resolve([]));
  const [
    operatorsAppeared, operatorsVanished, listingsAppeared, listingsVanished, priceMoves, volumeMoves,
    listingMethodsAdded, listingMethodsDropped, operatorMethodsAdded, operatorMethodsDropped,
  ] = await Promise.all([
    operatorsOnlyIn(db, to, from),
    absences(() => operatorsOnlyIn(db, from, to)),
    listingsOnlyIn(db, to, from),
    absences(() => listingsOnlyIn(db, from, to)),
    movesOver(db, { fromRunId: from, toRunId: to, column: 'price', threshold: thresholds.price }),
    movesOver(db, { fromRunId: from, toRunId: to, column: 'available', threshold: thresholds.volume }),
    listingMethodsOnlyIn(db, to, from),
    listingMethodsOnlyIn(db, from, to),
    operatorMethodsOnlyIn(db, to, from),
    absences(() => operatorMethodsOnlyIn(db, from, to)),
  ]);
  return {
    sourceId: request.sourceId,
    from: pair.from,
    to: pair.to,
    thresholds,
    vanishedReported,
    operators: { appeared: operatorsAppeared, vanished: operatorsVanished },
    listings: { appeared: listingsAppeared, vanished: listingsVanished },
    priceMoves,
    volumeMoves,
    methods: {
      listings: { added: listingMethodsAdded, dropped: listingMethodsDropped },
      operators: { added: operatorMethodsAdded, dropped: operatorMethodsDropped },
    },
  };
}

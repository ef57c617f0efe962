import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import { resolveDiffPair, type DiffPairRequest } from './diff-pair.ts';
import { diffSides } from './diff-side.ts';
import { NO_FACTS } from './fact-list.ts';
import { listingChanges } from './listing-changes.ts';
import { methodChanges } from './method-changes.ts';
import { listingMethodsOnlyIn, operatorMethodCandidates, operatorMethodsOnlyIn } from './method-facts.ts';
import { checkThreshold, movesOver } from './move-facts.ts';
import { listingsOnlyIn, operatorsOnlyIn } from './presence-facts.ts';
import {
  DEFAULT_THRESHOLDS, type DiffThresholds, type ListingFact, type ListingMethodFact, type MoveFact, type OperatorFact,
  type OperatorMethodFact, type RunDiff,
} from './run-diff.ts';

export interface DiffRequest extends DiffPairRequest {
  thresholds?: Partial<DiffThresholds> | undefined;
}

/**
 * Compares two runs of a source in SQL, as set operations on keyed
 * observations (see `resolveDiffPair` for which runs, `RunDiff` for the
 * facts), read in one read-only snapshot. The work is one statement with
 * one pass over the pair — a full outer join of the runs' observations by
 * listing (`listingChanges`), whose accepted method keys give the
 * (listing, method) changes (`methodChanges`) — and every fact is read off
 * the few rows it keeps, so the cost follows the two runs, not the history.
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
  checkThreshold('price', thresholds.price);
  checkThreshold('available', thresholds.volume);
  const { from, to } = diffSides(pair.from.id, pair.to.id);
  const vanishedReported = pair.to.status === 'complete';
  const absences = (facts: RawBuilder<unknown>) => (vanishedReported ? facts : NO_FACTS);
  const { rows } = await sql<DiffFacts>`
    with ${listingChanges(from.runId, to.runId, thresholds)}, ${methodChanges({ from, to })}, ${operatorMethodCandidates({ from, to })}
    select ${operatorsOnlyIn(to)} as "operatorsAppeared",
           ${absences(operatorsOnlyIn(from))} as "operatorsVanished",
           ${listingsOnlyIn(to)} as "listingsAppeared",
           ${absences(listingsOnlyIn(from))} as "listingsVanished",
           ${movesOver(to, 'price')} as "priceMoves",
           ${movesOver(to, 'available')} as "volumeMoves",
           ${listingMethodsOnlyIn(to)} as "listingMethodsAdded",
           ${listingMethodsOnlyIn(from)} as "listingMethodsDropped",
           ${operatorMethodsOnlyIn(to)} as "operatorMethodsAdded",
           ${absences(operatorMethodsOnlyIn(from))} as "operatorMethodsDropped"`.execute(db);
  const facts = rows[0]!;
  return {
    sourceId: request.sourceId,
    from: pair.from,
    to: pair.to,
    thresholds,
    vanishedReported,
    operators: { appeared: facts.operatorsAppeared, vanished: facts.operatorsVanished },
    listings: { appeared: facts.listingsAppeared, vanished: facts.listingsVanished },
    priceMoves: facts.priceMoves,
    volumeMoves: facts.volumeMoves,
    methods: {
      listings: { added: facts.listingMethodsAdded, dropped: facts.listingMethodsDropped },
      operators: { added: facts.operatorMethodsAdded, dropped: facts.operatorMethodsDropped },
    },
  };
}

/** The diff statement's one row: each fact list as a JSON array. */
interface DiffFacts {
  operatorsAppeared: OperatorFact[];
  operatorsVanished: OperatorFact[];
  listingsAppeared: ListingFact[];
  listingsVanished: ListingFact[];
  priceMoves: MoveFact[];
  volumeMoves: MoveFact[];
  listingMethodsAdded: ListingMethodFact[];
  listingMethodsDropped: ListingMethodFact[];
  operatorMethodsAdded: OperatorMethodFact[];
  operatorMethodsDropped: OperatorMethodFact[];
}

import type { RunStatus } from '../schema.ts';

/**
 * What changed between two runs (snapshots) of one source. Every amount is
 * an exact decimal string as Postgres stores it; `change` is the relative
 * move `(new − old) / old`, rounded to 6 places (null when old is 0).
 *
 * A to-run that is not `complete` reports no absences: `vanishedReported`
 * is false and `operators.vanished`, `listings.vanished` and
 * `methods.operators.dropped` are empty, because a listing on a page that
 * failed is missing without having gone. Per-listing `methods.*.dropped`
 * stays: a listing that was read was read whole.
 *
 * @example
 * const diff = await diffRuns(db, { sourceId: 'demo-api' });
 * diff?.methods.operators.added.filter((m) => m.domestic).map((m) => `${m.operatorName} +${m.methodName}`);
 * // [ '金沙承兑 +Alipay' ]
 */
export interface RunDiff {
  sourceId: string;
  from: DiffRunInfo;
  to: DiffRunInfo;
  thresholds: DiffThresholds;
  /** False when the to-run is not complete, so absences are not facts. */
  vanishedReported: boolean;
  operators: { appeared: OperatorFact[]; vanished: OperatorFact[] };
  listings: { appeared: ListingFact[]; vanished: ListingFact[] };
  priceMoves: MoveFact[];
  volumeMoves: MoveFact[];
  methods: {
    listings: { added: ListingMethodFact[]; dropped: ListingMethodFact[] };
    operators: { added: OperatorMethodFact[]; dropped: OperatorMethodFact[] };
  };
}

/** Relative moves at or above which a change is reported: 0.01 is 1 %. */
export interface DiffThresholds {
  /** Default 0.01. */
  price: number;
  /** Default 0.2 (available volume). */
  volume: number;
}

export const DEFAULT_THRESHOLDS: DiffThresholds = { price: 0.01, volume: 0.2 };

export interface DiffRunInfo {
  id: number;
  status: RunStatus;
  startedAt: Date;
  listings: number;
}

/** An operator that appeared (seen in the to-run only) or vanished (from-run only). */
export interface OperatorFact {
  operatorId: number;
  operatorKey: string;
  /** The name in the run where it was seen. */
  operatorName: string;
  /** Its listings in that run. */
  listings: number;
}

/** Where a listing sits: its platform key, operator and market. */
export interface ListingRef {
  listingId: number;
  listingKey: string;
  operatorId: number;
  operatorName: string;
  side: 'buy' | 'sell';
  asset: string;
  fiat: string;
}

/** A listing that appeared or vanished, as it was in the run where it was seen. */
export interface ListingFact extends ListingRef {
  /** Null when the listing's price is negotiable or did not read. */
  price: string | null;
  available: string | null;
  /** Method keys (canonical codes, or `unknown:<raw>`), sorted. */
  methods: string[];
}

/** A price or available-volume move at or over its threshold. */
export interface MoveFact extends ListingRef {
  old: string;
  new: string;
  /** `(new − old) / old`, 6 decimals; null when old is 0. */
  change: string | null;
}

/** A payment method; `method` is the key (canonical code or `unknown:<raw>`). */
export interface MethodRef {
  method: string;
  methodCode: string | null;
  /** Catalog name, or the raw text for an unknown method. */
  methodName: string;
  /** A mainland-China rail (`payment_methods.is_domestic`). */
  domestic: boolean;
}

/** A method a listing (present in both runs) started or stopped taking. */
export interface ListingMethodFact extends ListingRef, MethodRef {}

/**
 * A method an operator (present in both runs) started or stopped taking,
 * its method set being the union over its listings in the run.
 */
export interface OperatorMethodFact extends MethodRef {
  operatorId: number;
  operatorKey: string;
  operatorName: string;
  /** Keys of its listings that take the method, in the run that has it. */
  listingKeys: string[];
}

import type { Insertable } from 'kysely';
import type { NormalizedListing, ParseFailure, PaymentMethodRef } from '../crawler/listing.ts';
import type { ListingObservationsTable, ListingPaymentMethodsTable, ParseFailuresTable } from './schema.ts';

/** Where one sighting of a listing lands: its run, the ids its listing and operator were stored under, its page. */
export interface ObservationPlace {
  runId: number;
  listingId: number;
  operatorId: number;
  observedAt: Date;
  evidenceId: number | null;
}

/**
 * The `listing_observations` row of one sighting. Pure, so every writer
 * (one transaction per run, or page by page) stores a listing the same way.
 *
 * @example
 * await trx.insertInto('listing_observations').values(observationRow(listing, { runId, listingId, operatorId, observedAt, evidenceId })).execute();
 */
export function observationRow(listing: NormalizedListing, at: ObservationPlace): Insertable<ListingObservationsTable> {
  const keys = methodKeys(listing);
  return {
    run_id: at.runId,
    listing_id: at.listingId,
    operator_id: at.operatorId,
    observed_at: at.observedAt,
    operator_name: listing.operatorName,
    price: listing.price,
    price_negotiable: listing.priceNegotiable ?? false,
    available: listing.available,
    min_order: listing.minOrder,
    max_order: listing.maxOrder,
    terms: listing.terms,
    completion_rate: listing.completionRate,
    order_count: listing.orderCount,
    month_order_count: listing.monthOrderCount,
    evidence_id: at.evidenceId,
    payment_methods: keys.accepted,
    refused_payment_methods: keys.refused,
  };
}

/** The sighting's method keys by stance, as the views list them: distinct, in code-point order (Postgres's `C` collation). */
function methodKeys(listing: NormalizedListing): Record<'accepted' | 'refused', string[]> {
  const keys = { accepted: [] as string[], refused: [] as string[] };
  for (const { methodKey, method } of distinctMethods(listing)) keys[method.stance ?? 'accepted'].push(methodKey);
  const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
  keys.accepted.sort(byCodePoint);
  keys.refused.sort(byCodePoint);
  return keys;
}

/** One entry per method key (canonical code, or `unknown:<raw>`): the first mention wins. */
function distinctMethods(listing: NormalizedListing): { methodKey: string; method: PaymentMethodRef }[] {
  const byKey = new Map<string, PaymentMethodRef>();
  for (const method of listing.paymentMethods) {
    const methodKey = method.code ?? `unknown:${method.raw}`;
    if (!byKey.has(methodKey)) byKey.set(methodKey, method);
  }
  return [...byKey].map(([methodKey, method]) => ({ methodKey, method }));
}

/**
 * The `listing_payment_methods` rows of one sighting: one per method key
 * (canonical code, or `unknown:<raw>`), the first mention winning, with its
 * stance (a refusal is stored, and counted nowhere) and where it was read.
 *
 * @example
 * paymentMethodRows({ ...listing, paymentMethods: [{ code: 'alipay', raw: '支付宝', stance: 'refused', source: 'text' }] }, { runId: 3, listingId: 7 });
 * // [{ run_id: 3, listing_id: 7, method_key: "alipay", method_code: "alipay", raw_text: "支付宝", stance: "refused", source: "text" }]
 */
export function paymentMethodRows(listing: NormalizedListing, at: { runId: number; listingId: number }): Insertable<ListingPaymentMethodsTable>[] {
  return distinctMethods(listing).map(({ methodKey, method }) => ({
    run_id: at.runId,
    listing_id: at.listingId,
    method_key: methodKey,
    method_code: method.code,
    raw_text: method.raw,
    stance: method.stance ?? 'accepted',
    source: method.source ?? 'structured',
  }));
}

/**
 * A `parse_failures` row: a lost row (no observation), or a field of a kept
 * row that did not read or was cleaned, linked to its observation.
 *
 * @example
 * parseFailureRow(failure, { runId: 3 }); // a lost row
 * listing.fieldFailures?.map((f) => parseFailureRow(f, { runId: 3, observationId: 41 }));
 */
export function parseFailureRow(failure: ParseFailure, at: { runId: number; observationId?: number | null }): Insertable<ParseFailuresTable> {
  return { run_id: at.runId, url: failure.url, raw: failure.raw, error: failure.error, field_path: failure.fieldPath, observation_id: at.observationId ?? null };
}

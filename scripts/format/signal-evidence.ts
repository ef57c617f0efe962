import { maskContacts, maskHandle } from '../output/contact-mask.ts';
import { safeValue } from '../output/safe-text.ts';

type Evidence = Record<string, unknown>;

/**
 * The evidence of one stored signal as readable lines for `operators
 * explain`, with contact handles masked. Each line names the listings,
 * runs and observations behind it.
 *
 * @example
 * describeEvidence('cny_listings', { cnyListings: 2, listings: 3, listingIds: [4, 9], runIds: [3, 2], observationIds: [88, 87] });
 * // ['2 of 3 listings quote CNY: listings #4, #9; first seen in runs #3, #2; observations #88, #87']
 */
export function describeEvidence(signal: string, evidence: Evidence): string[] {
  const describe = DESCRIBERS[signal];
  return describe ? describe(evidence) : [JSON.stringify(safeValue(evidence))];
}

const DESCRIBERS: Record<string, (e: Evidence) => string[]> = {
  domestic_payment_rails: (e) =>
    records(e.methods).map((m) => `${text(m.method)} (as ${quoted(m.rawTexts)}): ${where(m)}`),
  cny_listings: (e) =>
    Number(e.cnyListings) > 0
      ? [`${num(e.cnyListings)} of ${num(e.listings)} listings quote CNY: ${where(e)}`]
      : [`none of ${num(e.listings)} listings quote CNY`],
  domestic_contact: (e) => {
    const contacts = records(e.contacts);
    if (contacts.length === 0) return ['no contact handle in names or terms'];
    return contacts.map((c) => {
      const what = c.kind === 'invitation' ? `invitation "${text(c.matched)}"` : `${text(c.kind)} ${maskHandle(text(c.handle))}`;
      return `${what} in ${list(c.fields)} "${maskContacts(text(c.text))}": ${where(c)}`;
    });
  },
  offshore_platform: (e) => [
    ...records(e.declared).map((d) => `source ${text(d.sourceId)} declares host country ${d.country ? text(d.country) : 'unknown'}`),
    ...records(e.resolved).map(
      (r) => `run #${num(r.runId)}: ${text(r.host)} → ${r.address ? text(r.address) : '?'} → ${r.country ? text(r.country) : `unknown (${text(r.note)})`}`,
    ),
  ],
  han_script: (e) => {
    const texts = records(e.texts);
    if (texts.length === 0) return ['no Han characters in names or terms'];
    return texts.map((x) => `${text(x.field)} "${maskContacts(text(x.text))}" (matched "${maskContacts(text(x.matched))}"): ${where(x)}`);
  },
  cny_order_volume: (e) =>
    e.orders === undefined
      ? ['no order count on CNY listings']
      : [`${num(e.orders)} orders (${text(e.basis)}, full at ${num(e.fullAt)}) on listing #${num(e.listingId)} in run #${num(e.runId)} (observation #${num(e.observationId)})`],
  mainland_daytime: (e) => [
    `${num(e.daytimeRuns)} of ${num(e.runs)} runs saw it in ${text(e.window)}; hours seen (UTC+8): ${list(e.hoursUtc8)}` +
      (ids(e.runIds) ? `; daytime runs ${recent(e.runIds)}` : ''),
  ],
};

/** Listings, and the runs and observations that first showed them (evidence keeps the earliest 10). */
function where(e: Evidence): string {
  return [['listings', ids(e.listingIds)], ['first seen in runs', ids(e.runIds)], ['observations', ids(e.observationIds)]]
    .filter(([, v]) => v)
    .map(([label, v]) => `${label} ${v}`)
    .join('; ');
}

function ids(value: unknown): string {
  return Array.isArray(value) ? value.map((id) => `#${id}`).join(', ') : '';
}

/** The daytime runs evidence keeps are the 10 most recent; say so when the list is full. */
function recent(value: unknown): string {
  return ids(value) + (Array.isArray(value) && value.length >= 10 ? ' (latest 10)' : '');
}

function records(value: unknown): Evidence[] {
  return Array.isArray(value) ? value.filter((v): v is Evidence => typeof v === 'object' && v !== null) : [];
}

function list(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : '';
}

function quoted(value: unknown): string {
  return Array.isArray(value) ? value.map((v) => `"${maskContacts(String(v))}"`).join(', ') : '';
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

function num(value: unknown): string {
  return value === null || value === undefined ? '?' : String(value);
}

import type { DemoAd, DemoState } from '../../scripts/demo/marketplace-state.ts';

/**
 * What changed between two demo marketplace states, computed from the
 * states alone (the oracle the diff tests compare `diffRuns` with). Keys
 * are as the store spells them: listing keys are ad ids, operator keys
 * `id:<sellerId>`, methods canonical codes.
 *
 * @example
 * const expected = demoChanges(demoState(42, 2), demoState(42, 3));
 * expected.listingsAppeared; // ['ad000068', …]
 */
export function demoChanges(before: DemoState, after: DemoState): DemoChanges {
  const oldAds = new Map(before.ads.map((ad) => [ad.adId, ad]));
  const newAds = new Map(after.ads.map((ad) => [ad.adId, ad]));
  const oldSellers = sellerMethods(before);
  const newSellers = sellerMethods(after);
  const both = after.ads.filter((ad) => oldAds.has(ad.adId));
  const methodDelta = (from: DemoAd, to: DemoAd) => minus(adMethods(to), adMethods(from)).map((code) => `${to.adId} ${code}`);
  const sellerDelta = (from: Map<string, Set<string>>, to: Map<string, Set<string>>) =>
    [...to].filter(([id]) => from.has(id)).flatMap(([id, codes]) => minus([...codes], [...from.get(id)!]).map((code) => `id:${id} ${code}`));
  return {
    listingsAppeared: sorted(after.ads.filter((ad) => !oldAds.has(ad.adId)).map((ad) => ad.adId)),
    listingsVanished: sorted(before.ads.filter((ad) => !newAds.has(ad.adId)).map((ad) => ad.adId)),
    operatorsAppeared: sorted([...newSellers.keys()].filter((id) => !oldSellers.has(id)).map((id) => `id:${id}`)),
    operatorsVanished: sorted([...oldSellers.keys()].filter((id) => !newSellers.has(id)).map((id) => `id:${id}`)),
    listingMethodsAdded: sorted(both.flatMap((ad) => methodDelta(oldAds.get(ad.adId)!, ad))),
    listingMethodsDropped: sorted(both.flatMap((ad) => methodDelta(ad, oldAds.get(ad.adId)!))),
    operatorMethodsAdded: sorted(sellerDelta(oldSellers, newSellers)),
    operatorMethodsDropped: sorted(sellerDelta(newSellers, oldSellers)),
    prices: both.map((ad) => ({ adId: ad.adId, old: oldAds.get(ad.adId)!.price, new: ad.price })),
    volumes: both.map((ad) => ({ adId: ad.adId, old: oldAds.get(ad.adId)!.available, new: ad.available })),
  };
}

export interface DemoChanges {
  listingsAppeared: string[];
  listingsVanished: string[];
  operatorsAppeared: string[];
  operatorsVanished: string[];
  /** `"<adId> <code>"` */
  listingMethodsAdded: string[];
  listingMethodsDropped: string[];
  /** `"id:<sellerId> <code>"` */
  operatorMethodsAdded: string[];
  operatorMethodsDropped: string[];
  /** Every listing in both states with its old and new value. */
  prices: { adId: string; old: string; new: string }[];
  volumes: { adId: string; old: string; new: string }[];
}

/** Canonical codes of the mainland rails among the demo's methods. */
export const DOMESTIC_CODES = new Set(['alipay', 'wechat_pay', 'unionpay', 'cn_bank_card']);

/** The canonical codes the normalizer gives a demo ad's methods (a CNY ad's BANK is a mainland card). */
function adMethods(ad: DemoAd): string[] {
  return ad.payMethods.map((m) => (m === 'BANK' ? (ad.fiat === 'CNY' ? 'cn_bank_card' : 'bank_transfer') : CODES[m]!));
}

/**
 * Whether `|new − old| ≥ threshold · |old|` (and new ≠ old), in exact
 * integer arithmetic on the decimal strings; `threshold` as a fraction
 * string like "0.01".
 *
 * @example
 * movedAtLeast('7.25', '7.33', '0.01'); // true
 */
export function movedAtLeast(old: string, now: string, threshold: string): boolean {
  const scale = Math.max(decimals(old), decimals(now), decimals(threshold));
  const [a, b, t] = [old, now, threshold].map((v) => toUnits(v, scale));
  const delta = b! > a! ? b! - a! : a! - b!;
  const base = a! < 0n ? -a! : a!;
  return delta !== 0n && delta * 10n ** BigInt(scale) >= t! * base;
}

const CODES: Record<string, string> = { ALIPAY: 'alipay', WECHAT: 'wechat_pay', UNIONPAY: 'unionpay', WISE: 'wise', PAYPAL: 'paypal', FPS: 'fps_hk' };

function sellerMethods(state: DemoState): Map<string, Set<string>> {
  const sellers = new Map<string, Set<string>>();
  for (const ad of state.ads) {
    const codes = sellers.get(ad.sellerId) ?? new Set<string>();
    for (const code of adMethods(ad)) codes.add(code);
    sellers.set(ad.sellerId, codes);
  }
  return sellers;
}

function minus(a: string[], b: string[]): string[] {
  return a.filter((x) => !b.includes(x));
}

function sorted(items: string[]): string[] {
  return [...new Set(items)].sort();
}

function decimals(value: string): number {
  return value.includes('.') ? value.length - value.indexOf('.') - 1 : 0;
}

function toUnits(value: string, scale: number): bigint {
  const [whole, fraction = ''] = value.split('.');
  return BigInt(`${whole}${fraction.padEnd(scale, '0')}`);
}

import { Rng, mixSeed } from './prng.ts';
import {
  AVAILABLE_RANGE, MIN_ORDER_CHOICES, ORDER_CAP_CHOICES, PAY_METHODS, PAY_POOL, PRICE_BANDS,
  sellerName, sellerTerms,
} from './seller-catalog.ts';
import type { DemoAsset, DemoFiat, DemoPayMethod, NameScript } from './seller-catalog.ts';

export type { DemoAsset, DemoFiat, DemoPayMethod } from './seller-catalog.ts';

/** The whole demo marketplace at one tick; `ads` sorted by `adId`. */
export interface DemoState {
  tick: number;
  ads: DemoAd[];
}

/** One ad as the JSON API serves it. Money and amounts are exact decimal strings. */
export interface DemoAd {
  adId: string;
  sellerId: string;
  sellerName: string;
  side: 'sell' | 'buy';
  asset: DemoAsset;
  fiat: DemoFiat;
  /** Fiat per one unit of asset: 2 decimals, 3 for USD/USDT. */
  price: string;
  /** Asset amount, 2 decimals. */
  available: string;
  /** Fiat amounts, 2 decimals, `minOrder < maxOrder`. */
  minOrder: string;
  maxOrder: string;
  payMethods: DemoPayMethod[];
  terms: string;
  /** Fraction of completed orders, 3 decimals: `"0.987"`. */
  completionRate: string;
  orders: number;
}

/**
 * The demo marketplace's state at `tick` for `seed`: pure and deterministic.
 * Every amount is generated as an integer in minor units and only formatted
 * as a decimal string at the end, so no float ever reaches a price.
 *
 * Tick 0: 40 sellers (`s0001`…), each with 1–2 ads (`ad000001`…), about 80%
 * quoting CNY (mostly Han-script names, many with a WeChat/QQ/mobile contact
 * in their terms), the rest USD or HKD.
 *
 * Evolving tick N-1 into tick N, with its own random stream `mixSeed(seed, N)`:
 * 1. about 5% of sellers vanish with all their ads (at least one);
 * 2. 2–4 new sellers appear, with ids never used before;
 * 3. every price moves by a non-zero step of at most ±0.5%, reflected to stay
 *    inside its market's band;
 * 4. every available amount changes (sold down 0–15% or restocked 0–10%; an
 *    ad below its floor is refilled), and `maxOrder` follows the fiat value
 *    of what is available, capped by the seller's ceiling;
 * 5. 1–3 surviving sellers add a payment method to all their ads — a CNY
 *    seller lacking ALIPAY or WECHAT gets one of those 3 times in 4 — and
 *    one in four ticks another seller drops one of several methods;
 * 6. sellers' order counts grow by 0–15.
 * Surviving sellers and ads keep their ids. Earlier ticks are memoized per
 * seed, so stepping forward one tick at a time is cheap.
 *
 * @example
 * const a = demoState(42, 0);
 * const b = demoState(42, 1);
 * a.ads.length;                      // ~60
 * b.ads.some((ad) => !a.ads.find((x) => x.adId === ad.adId)); // true: new sellers
 */
export function demoState(seed: number, tick: number, size: DemoSize = {}): DemoState {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`demoState: seed must be an integer, got ${seed}`);
  if (!Number.isSafeInteger(tick) || tick < 0) {
    throw new RangeError(`demoState: tick must be a non-negative integer, got ${tick}`);
  }
  if (size.ads !== undefined && (!Number.isSafeInteger(size.ads) || size.ads < 1)) {
    throw new RangeError(`demoState: ads must be a positive integer, got ${size.ads}`);
  }
  return toDemoState(worldAt(seed, tick, size.ads));
}

/** How large the marketplace is. */
export interface DemoSize {
  /**
   * Ads at tick 0: sellers (1–2 ads each, drawn as always) are added until
   * there are exactly this many, for benchmarks that need many pages.
   * Default: the 40 sellers described above (about 60 ads).
   */
  ads?: number;
}

interface SellerModel {
  id: string;
  name: string;
  script: NameScript;
  fiat: DemoFiat;
  terms: string;
  completionPermille: number;
  orders: number;
  /** Sorted in `PAY_METHODS` order; every ad of the seller lists these. */
  payMethods: DemoPayMethod[];
  orderCapCents: number;
  ads: AdModel[];
}

interface AdModel {
  adId: string;
  side: 'sell' | 'buy';
  asset: DemoAsset;
  priceMinor: number;
  /** Hundredths of the asset. */
  availableCents: number;
  minOrderCents: number;
}

interface World {
  tick: number;
  nextSellerNo: number;
  nextAdNo: number;
  sellers: SellerModel[];
}

const INITIAL_SELLERS = 40;
const CHECKPOINT_EVERY = 16;
const MAX_CACHED_SEEDS = 8;

// Per seed and size: worlds at every CHECKPOINT_EVERY-th tick, plus the last one asked for.
const cache = new Map<string, Map<number, World>>();

function worldAt(seed: number, tick: number, ads: number | undefined): World {
  const key = `${seed}:${ads ?? ''}`;
  let worlds = cache.get(key);
  if (!worlds) {
    if (cache.size >= MAX_CACHED_SEEDS) cache.delete(cache.keys().next().value as string);
    worlds = new Map([[0, initialWorld(seed, ads)]]);
    cache.set(key, worlds);
  }
  let start = 0;
  for (const cached of worlds.keys()) if (cached <= tick && cached > start) start = cached;
  let world = worlds.get(start) as World;
  let lastKept = -1;
  for (const [cached] of worlds) if (cached % CHECKPOINT_EVERY !== 0) lastKept = cached;
  while (world.tick < tick) {
    world = evolve(world, new Rng(mixSeed(seed, world.tick + 1)));
    if (world.tick % CHECKPOINT_EVERY === 0) worlds.set(world.tick, world);
  }
  if (tick % CHECKPOINT_EVERY !== 0) {
    if (lastKept >= 0 && lastKept !== tick) worlds.delete(lastKept);
    worlds.set(tick, world);
  }
  return world;
}

function initialWorld(seed: number, ads: number | undefined): World {
  const rng = new Rng(mixSeed(seed, 0));
  const world: World = { tick: 0, nextSellerNo: 1, nextAdNo: 1, sellers: [] };
  const names = new Set<string>();
  if (ads === undefined) {
    for (let i = 0; i < INITIAL_SELLERS; i++) world.sellers.push(newSeller(world, rng, names));
    return world;
  }
  while (world.nextAdNo <= ads) world.sellers.push(newSeller(world, rng, names));
  // The last seller's second ad may overshoot: it is not listed.
  const last = world.sellers.at(-1)!;
  if (world.nextAdNo - 1 > ads) last.ads.pop();
  return world;
}

function evolve(previous: World, rng: Rng): World {
  const world: World = structuredClone(previous);
  world.tick = previous.tick + 1;

  // 1. ~5% vanish, at least one, so every tick shows a departure.
  const leaving = Math.max(1, Math.round(world.sellers.length * 0.05));
  const gone = new Set(rng.shuffled(world.sellers).slice(0, leaving).map((s) => s.id));
  world.sellers = world.sellers.filter((s) => !gone.has(s.id));
  const survivors = [...world.sellers];

  // 2. newcomers.
  const arriving = rng.int(2, 4);
  const names = new Set(world.sellers.map((s) => s.name));
  for (let i = 0; i < arriving; i++) world.sellers.push(newSeller(world, rng, names));

  // 3–4. prices and amounts of every ad, newcomers included.
  for (const seller of world.sellers) {
    for (const ad of seller.ads) {
      ad.priceMinor = stepPrice(rng, ad.priceMinor, PRICE_BANDS[ad.asset][seller.fiat]);
      ad.availableCents = stepAvailable(rng, ad.availableCents, AVAILABLE_RANGE[ad.asset]);
    }
  }

  // 5. payment methods gained by survivors (a newcomer's methods are not news).
  const gainers = rng.shuffled(survivors.filter((s) => missingMethods(s).length > 0)).slice(0, rng.int(1, 3));
  for (const seller of gainers) addMethod(rng, seller);
  if (rng.chance(0.25)) {
    const droppers = survivors.filter((s) => s.payMethods.length > 1 && !gainers.includes(s));
    if (droppers.length > 0) {
      const seller = rng.pick(droppers);
      const dropped = rng.pick(seller.payMethods);
      seller.payMethods = seller.payMethods.filter((m) => m !== dropped);
    }
  }

  // 6. activity.
  for (const seller of survivors) seller.orders += rng.int(0, 15);
  return world;
}

/** A new seller with a name not in `names` (which it joins). */
function newSeller(world: World, rng: Rng, names: Set<string>): SellerModel {
  const fiat: DemoFiat = rng.chance(0.8) ? 'CNY' : rng.chance(0.5) ? 'USD' : 'HKD';
  const script: NameScript = rng.chance(fiat === 'CNY' ? 0.75 : 0.3) ? 'han' : 'latin';
  const id = `s${String(world.nextSellerNo++).padStart(4, '0')}`;
  const seller: SellerModel = {
    id,
    name: uniqueName(rng, script, names, id),
    script,
    fiat,
    terms: sellerTerms(rng, script),
    completionPermille: rng.int(850, 1000),
    orders: rng.int(3, 20_000),
    payMethods: initialMethods(rng, fiat),
    orderCapCents: rng.pick(ORDER_CAP_CHOICES[fiat]),
    ads: [],
  };
  const side = rng.chance(0.75) ? 'sell' : 'buy';
  const asset: DemoAsset = rng.chance(0.85) ? 'USDT' : 'BTC';
  seller.ads.push(newAd(world, rng, fiat, side, asset));
  if (rng.chance(0.5)) {
    // A second ad never duplicates the first's (side, asset).
    const other = rng.chance(0.5)
      ? newAd(world, rng, fiat, side === 'sell' ? 'buy' : 'sell', asset)
      : newAd(world, rng, fiat, side, asset === 'USDT' ? 'BTC' : 'USDT');
    seller.ads.push(other);
  }
  return seller;
}

function newAd(world: World, rng: Rng, fiat: DemoFiat, side: 'sell' | 'buy', asset: DemoAsset): AdModel {
  const band = PRICE_BANDS[asset][fiat];
  const available = AVAILABLE_RANGE[asset];
  return {
    adId: `ad${String(world.nextAdNo++).padStart(6, '0')}`,
    side,
    asset,
    priceMinor: rng.int(band.low, band.high),
    availableCents: rng.int(available.low, available.high),
    minOrderCents: rng.pick(MIN_ORDER_CHOICES[asset][fiat]),
  };
}

function uniqueName(rng: Rng, script: NameScript, names: Set<string>, id: string): string {
  let name: string | undefined;
  for (let attempt = 0; attempt < 8 && name === undefined; attempt++) {
    const candidate = sellerName(rng, script);
    if (!names.has(candidate)) name = candidate;
  }
  name ??= `${sellerName(rng, script)}${id.slice(1)}`;
  names.add(name);
  return name;
}

function initialMethods(rng: Rng, fiat: DemoFiat): DemoPayMethod[] {
  // Many CNY sellers start bank-only, so later ticks can show them adding Alipay/WeChat.
  if (fiat === 'CNY' && rng.chance(0.35)) return ['BANK'];
  const chosen = PAY_POOL[fiat].filter(() => rng.chance(0.5));
  return chosen.length > 0 ? sortMethods(chosen) : [rng.pick(PAY_POOL[fiat])];
}

function missingMethods(seller: SellerModel): DemoPayMethod[] {
  return PAY_POOL[seller.fiat].filter((m) => !seller.payMethods.includes(m));
}

function addMethod(rng: Rng, seller: SellerModel): void {
  const missing = missingMethods(seller);
  const domestic = missing.filter((m) => m === 'ALIPAY' || m === 'WECHAT');
  const added = seller.fiat === 'CNY' && domestic.length > 0 && rng.chance(0.75)
    ? rng.pick(domestic)
    : rng.pick(missing);
  seller.payMethods = sortMethods([...seller.payMethods, added]);
}

function sortMethods(methods: DemoPayMethod[]): DemoPayMethod[] {
  return [...methods].sort((a, b) => PAY_METHODS.indexOf(a) - PAY_METHODS.indexOf(b));
}

function stepPrice(rng: Rng, price: number, band: { low: number; high: number }): number {
  const maxStep = Math.max(1, Math.floor((price * 5) / 1000));
  const step = rng.int(1, maxStep);
  const up = rng.chance(0.5);
  const moved = up ? price + step : price - step;
  if (moved > band.high || moved < band.low) return up ? price - step : price + step;
  return moved;
}

function stepAvailable(rng: Rng, cents: number, range: { low: number; high: number }): number {
  const percent = rng.int(-15, 10) || 1;
  const next = cents + Math.trunc((cents * percent) / 100) || cents + 1;
  if (next < range.low) return rng.int(range.low, range.high);
  return next;
}

function toDemoState(world: World): DemoState {
  const ads: DemoAd[] = [];
  for (const seller of world.sellers) {
    for (const ad of seller.ads) {
      const { scale } = PRICE_BANDS[ad.asset][seller.fiat];
      // Fiat value of what is available: cents of asset × price / 10^scale, floored.
      const valueCents = Math.floor((ad.availableCents * ad.priceMinor) / 10 ** scale);
      const maxOrderCents = Math.max(Math.min(seller.orderCapCents, valueCents), ad.minOrderCents + 10_000);
      ads.push({
        adId: ad.adId,
        sellerId: seller.id,
        sellerName: seller.name,
        side: ad.side,
        asset: ad.asset,
        fiat: seller.fiat,
        price: formatMinor(ad.priceMinor, scale),
        available: formatMinor(ad.availableCents, 2),
        minOrder: formatMinor(ad.minOrderCents, 2),
        maxOrder: formatMinor(maxOrderCents, 2),
        payMethods: [...seller.payMethods],
        terms: seller.terms,
        completionRate: formatMinor(seller.completionPermille, 3),
        orders: seller.orders,
      });
    }
  }
  ads.sort((a, b) => (a.adId < b.adId ? -1 : a.adId > b.adId ? 1 : 0));
  return { tick: world.tick, ads };
}

/**
 * An integer count of minor units as an exact decimal string.
 *
 * @example
 * formatMinor(725, 2);  // "7.25"
 * formatMinor(5, 2);    // "0.05"
 */
export function formatMinor(units: number, scale: number): string {
  const digits = String(units).padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

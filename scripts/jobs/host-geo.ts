import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { Kysely } from 'kysely';
import { connectedAddressOfRun, hostOfRun, saveHostLocation, type HostLocation } from '../../store/run-host-locations.ts';
import type { Database } from '../../store/schema.ts';

/** How a host becomes a country; a test hands in its own. */
export interface HostGeoResolver {
  /** Host name → one IP address (default: the system resolver, `dns.lookup`). */
  lookup(host: string): Promise<string>;
  /** IP address → ISO country code, or null (default: geoip-lite's offline database). */
  countryOf(address: string): Promise<string | null>;
}

/**
 * Resolves a host to an address (the one a connection went to, when
 * `connected` is given; else with the system resolver) and the address
 * to a country with geoip-lite's offline database (no network beyond DNS).
 * Loopback and private addresses, and names that do not resolve, give an
 * unknown country with the reason in `note`.
 *
 * @example
 * await locateHost('8.8.8.8');   // { host: '8.8.8.8', address: '8.8.8.8', country: 'US', note: null }
 * await locateHost('127.0.0.1'); // { …, country: null, note: 'loopback address' }
 */
export async function locateHost(host: string, resolver: HostGeoResolver = defaultResolver, connected?: string): Promise<HostLocation> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let address: string;
  try {
    address = connected ?? (isIP(bare) ? bare : await resolver.lookup(bare));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { host, address: null, country: null, note: `DNS lookup failed: ${code}` };
  }
  const local = localKind(address);
  if (local) return { host, address, country: null, note: `${local} address` };
  const country = await resolver.countryOf(address);
  return { host, address, country, note: country ? null : 'address not in the GeoIP database' };
}

/**
 * Locates the host a run crawled and records it with the run (the
 * `offshore_platform` signal reads it): from the address its pages were
 * fetched from, recorded off the connection at fetch time, or — for a run
 * that recorded none — the host name resolved now.
 *
 * @example
 * const where = await recordHostLocation(store.db, runId);
 */
export async function recordHostLocation(db: Kysely<Database>, runId: number, resolver: HostGeoResolver = defaultResolver): Promise<HostLocation | undefined> {
  const host = await hostOfRun(db, runId);
  if (host === undefined) return undefined;
  const location = await locateHost(host, resolver, await connectedAddressOfRun(db, runId));
  await saveHostLocation(db, runId, location);
  return location;
}

const defaultResolver: HostGeoResolver = {
  lookup: async (host) => (await dnsLookup(host)).address,
  async countryOf(address) {
    // Loaded on first use: the database takes a quarter second and tens of MB.
    const { default: geoip } = await import('geoip-lite');
    return geoip.lookup(address)?.country || null;
  },
};

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

const nonPublic = new BlockList();
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  nonPublic.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [['::', 128], ['fc00::', 7], ['fe80::', 10]] as const) nonPublic.addSubnet(net, prefix, 'ipv6');

function localKind(address: string): 'loopback' | 'private' | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (loopback.check(ip, type)) return 'loopback';
  if (nonPublic.check(ip, type)) return 'private';
  return null;
}

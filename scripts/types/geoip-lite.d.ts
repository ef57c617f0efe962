/** The part of geoip-lite (an offline GeoIP database shipped in the npm package) otcwatch uses. */
declare module 'geoip-lite' {
  interface GeoIpLookup {
    /** ISO 3166-1 alpha-2, e.g. "US"; may be empty. */
    country: string;
  }
  const geoip: {
    lookup(ip: string): GeoIpLookup | null;
  };
  export default geoip;
}

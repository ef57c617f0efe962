/**
 * The demo marketplace's robots.txt: everything allowed until a test
 * disallows a path prefix.
 *
 * @example
 * const robots = new RobotsRules();
 * robots.disallow('/market');
 * robots.text(); // "User-agent: *\nDisallow: /market\nAllow: /\n"
 */
export class RobotsRules {
  readonly #disallowed: string[] = [];

  disallow(pathPrefix: string): void {
    if (!pathPrefix.startsWith('/')) throw new TypeError(`robots.disallow: path must start with "/", got ${JSON.stringify(pathPrefix)}`);
    if (!this.#disallowed.includes(pathPrefix)) this.#disallowed.push(pathPrefix);
  }

  allowAll(): void {
    this.#disallowed.length = 0;
  }

  text(): string {
    // Disallow lines first, for parsers that apply the first matching rule instead of the longest.
    return ['User-agent: *', ...this.#disallowed.map((p) => `Disallow: ${p}`), 'Allow: /', ''].join('\n');
  }
}

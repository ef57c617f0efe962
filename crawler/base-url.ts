/**
 * A source's base URL, checked where it enters: an absolute `http:` or
 * `https:` URL, returned in its normal form. Anything else (`javascript:`,
 * `file:`, `ftp:`, a relative path) is refused at once, naming where it
 * came from, rather than failing later inside a fetcher.
 *
 * @example
 * httpBaseUrl('http://127.0.0.1:8787', '--base-url'); // 'http://127.0.0.1:8787/'
 * httpBaseUrl('file:///etc/passwd', '--base-url');    // throws: --base-url must be an http(s) URL, got "file:///etc/passwd"
 */
export function httpBaseUrl(text: string, where: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error(`${where} must be an http(s) URL, got ${JSON.stringify(text)}`);
  }
  return url.toString();
}

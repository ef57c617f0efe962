import type { UndecodableBytes } from '../source-adapter.ts';

/** Characters of decoded text kept on each side of a bad byte run, to find the field it landed in. */
const CONTEXT_BYTES = 24;
/** Runs recorded per page; a page of garbage is one parse failure's worth of evidence, not thousands. */
const MAX_RUNS = 100;

/**
 * The byte runs of a UTF-8 body that are not valid UTF-8 — what
 * `TextDecoder` silently turns into U+FFFD — with their offsets and hex, so
 * a field holding U+FFFD becomes a parse failure that shows the raw bytes.
 * Bodies in another charset (`charset=gbk`) are not checked here.
 *
 * @example
 * ```ts
 * findUndecodableBytes(new Uint8Array([0x61, 0xc3, 0x28, 0x62]), 'text/html');
 * // [{ offset: 1, hex: "c3", context: "a\uFFFD(b" }]
 * ```
 */
export function findUndecodableBytes(bytes: Uint8Array, contentType: string | null): UndecodableBytes[] {
  const label = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (label !== undefined && label !== 'utf-8' && label !== 'utf8') return [];
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return [];
  } catch {
    // Some bytes are bad: find which, below.
  }
  const runs: UndecodableBytes[] = [];
  const decoder = new TextDecoder('utf-8');
  let offset = 0;
  while (offset < bytes.length && runs.length < MAX_RUNS) {
    const valid = validSequenceLength(bytes, offset);
    if (valid > 0) {
      offset += valid;
      continue;
    }
    let end = offset + 1;
    while (end < bytes.length && validSequenceLength(bytes, end) === 0) end += 1;
    const bad = bytes.subarray(offset, end);
    runs.push({
      offset,
      hex: [...bad].map((b) => b.toString(16).padStart(2, '0')).join(' '),
      context: decoder.decode(bytes.subarray(Math.max(0, offset - CONTEXT_BYTES), Math.min(bytes.length, end + CONTEXT_BYTES))),
    });
    offset = end;
  }
  return runs;
}

/** Length of the valid UTF-8 sequence starting at `at` (1–4), or 0 when it is not one (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF). */
function validSequenceLength(bytes: Uint8Array, at: number): number {
  const first = bytes[at]!;
  if (first < 0x80) return 1;
  const cont = (i: number, low = 0x80, high = 0xbf) => at + i < bytes.length && bytes[at + i]! >= low && bytes[at + i]! <= high;
  if (first >= 0xc2 && first <= 0xdf) return cont(1) ? 2 : 0;
  if (first === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (first === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (first >= 0xe1 && first <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (first === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (first === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  if (first >= 0xf1 && first <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

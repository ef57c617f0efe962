import type { UndecodableBytes } from '../source-adapter.ts';
import { quoteInput } from './normalize-error.ts';

/** C0 controls and DEL, except tab, line feed and carriage return: never meaningful in a listing, and NUL aborts a Postgres insert. */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/gu;
const REPLACEMENT = '\uFFFD';

/** What cleaning one field's text found: the text to store, and a note for each thing done to it. */
export interface CleanedText {
  text: string;
  /** Readable notes (`removed 1 control character (U+0000)`, `invalid byte sequence …`), empty when the text was clean. */
  notes: string[];
}

/**
 * Makes a field's text safe to store and says what was wrong with it:
 * control characters are removed (a `\u0000` in one seller's name must not
 * abort the whole run), and a U+FFFD — what a decoder leaves for bytes it
 * could not read — is kept but reported, with the raw bytes' hex when the
 * page's decoder recorded them (`undecodable`) near that text.
 *
 * @example
 * ```ts
 * cleanText('金沙\u0000承兑').notes; // ["removed 1 control character (U+0000) from \"金沙\\u0000承兑\""]
 * cleanText('张\uFFFD三', [{ offset: 120, hex: 'c3 28', context: '"张\uFFFD三"' }]).notes;
 * // ["invalid byte sequence in \"张�三\" (kept as U+FFFD); raw bytes at byte 120: c3 28"]
 * ```
 */
export function cleanText(text: string, undecodable: readonly UndecodableBytes[] = []): CleanedText {
  const notes: string[] = [];
  const controls = text.match(CONTROLS) ?? [];
  if (controls.length > 0) {
    const codes = [...new Set(controls.map(codePoint))].join(', ');
    notes.push(`removed ${controls.length} control character${controls.length === 1 ? '' : 's'} (${codes}) from ${quoteInput(text)}`);
  }
  const cleaned = controls.length > 0 ? text.replace(CONTROLS, '') : text;
  if (cleaned.includes(REPLACEMENT)) {
    const bytes = undecodableIn(cleaned, undecodable);
    const where = bytes.length > 0 ? `raw bytes ${bytes.map((b) => `at byte ${b.offset}: ${b.hex}`).join('; ')}` : 'raw bytes not recorded by the fetcher';
    notes.push(`invalid byte sequence in ${quoteInput(cleaned)} (kept as U+FFFD); ${where}`);
  }
  return { text: cleaned, notes };
}

/**
 * Escapes control characters for evidence text that is stored as it was
 * read (a row's raw HTML, a page's error message): `\u0000` becomes the six
 * characters `\u0000`, so nothing is lost and nothing breaks the insert.
 *
 * @example
 * ```ts
 * escapeControls('a\u0000b'); // "a\\u0000b"
 * ```
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The page's undecodable byte runs whose decoded surroundings hold this text's U+FFFD with its neighbours. */
function undecodableIn(text: string, undecodable: readonly UndecodableBytes[]): UndecodableBytes[] {
  const snippets: string[] = [];
  for (let at = text.indexOf(REPLACEMENT); at !== -1; at = text.indexOf(REPLACEMENT, at + 1)) {
    snippets.push(text.slice(Math.max(0, at - 3), at + 4));
  }
  return undecodable.filter((bytes) => snippets.some((snippet) => bytes.context.includes(snippet)));
}

function codePoint(char: string): string {
  return `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

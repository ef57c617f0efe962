import { maskContacts, maskHandle } from './contact-mask.ts';

/**
 * Escape sequences a terminal acts on, whole: CSI (`ESC [` or 0x9B …
 * final byte), the string commands OSC, DCS, SOS, PM and APC (`ESC ]`,
 * `ESC P`, `ESC X`, `ESC ^`, `ESC _` or their 8-bit forms, up to BEL or ST
 * or the end of the text), and the other two-byte `ESC x` commands.
 * Removed whole, so a sequence cannot hide a contact handle from the mask
 * (`加微信ESC[0mjinsha123`).
 */
const ESCAPE_SEQUENCE =
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d\u009e\u009f])[^\u0007\u009c\u001b]*(?:\u0007|\u009c|\u001b\\)?|\u001b[\u0020-\u007e]?/g;

/**
 * C0 controls, DEL and C1 controls left after the sequences are gone
 * (`\t`, `\n`, `\r` apart). Removed rather than drawn as symbols, so a NUL
 * between "微信" and an id cannot shield the id from the mask either.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** Bidirectional overrides and isolates, which make a terminal show text in another order than it is. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/g;

export interface SafeTextOptions {
  /** Keep line breaks and tabs (a whole table, a diff); by default they become spaces (one field, one line). */
  lines?: boolean;
}

/**
 * The one boundary every human- or sink-facing text passes (CLI output,
 * alert lines and bodies, the report): terminal escape sequences, every
 * other C0/C1 control character and bidirectional overrides removed, and
 * every WeChat id, QQ number and mainland mobile masked. The database keeps
 * the full text; `otcwatch sql --raw` shows it.
 *
 * @example
 * safeText('\u001b]0;pwned\u0007金沙 加微信 jinsha123\u0000');   // "金沙 加微信 ji*****23"
 * safeText('row 1\nrow 2', { lines: true });                      // "row 1\nrow 2"
 * safeText('name\nforged line');                                  // "name forged line"
 */
export function safeText(text: string, options: SafeTextOptions = {}): string {
  return maskContacts(neutralise(text, options));
}

/**
 * A copy of a JSON-able value fit to show or send: every string through
 * `safeText` (one line), values under a `handle` key masked as a whole
 * handle. For `--json` output, sink bodies and the report's data.
 *
 * @example
 * safeValue({ name: 'x\u001b[2J', contacts: [{ kind: 'mobile', handle: '13812345678' }] });
 * // { name: 'x', contacts: [{ kind: 'mobile', handle: '138****5678' }] }
 */
export function safeValue(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return key === 'handle' ? maskHandle(neutralise(value)) : safeText(value);
  if (Array.isArray(value)) return value.map((item) => safeValue(item));
  if (value instanceof Date) return value;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, safeValue(v, k)]));
  }
  return value;
}

/** Anything `neutralise` would change; most texts have none, and skip its four passes (exports run this per cell). */
const NEEDS_NEUTRALISING = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** `safeText` without the mask: what a terminal would act on, made inert. */
function neutralise(text: string, options: SafeTextOptions = {}): string {
  if (!NEEDS_NEUTRALISING.test(text)) return text;
  const clean = text.replace(ESCAPE_SEQUENCE, '').replace(BIDI, '');
  const broken = options.lines ? clean.replace(/\r\n?/g, '\n') : clean.replace(/[\t\n\r]/g, ' ');
  return broken.replace(CONTROL, '');
}

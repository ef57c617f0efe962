import test from 'ava';
import fc from 'fast-check';
import { safeText, safeValue } from '../scripts/output/safe-text.ts';

const ESC = '\u001b';
/** Sequences a hostile seller name might carry: window title, clear screen, clipboard write, DCS, 8-bit CSI, a hyperlink. */
const SEQUENCES = [`${ESC}]0;pwned\u0007`, `${ESC}[2J`, `${ESC}]52;c;aGk=${ESC}\\`, `${ESC}Pq#0;2;0;0;0${ESC}\\`, '\u009b31m', `${ESC}]8;;http://x${ESC}\\`, `${ESC}[0m`, `${ESC}c`];

test('terminal escape sequences are removed whole, and so are other controls', (t) => {
  t.is(safeText(`${ESC}]0;pwned\u0007金沙承兑${ESC}[2J`), '金沙承兑');
  t.is(safeText(`a${ESC}]52;c;aGk=${ESC}\\b`), 'ab');
  t.is(safeText(`a\u0000b\u0007c\u007fd\u0085e`), 'abcde');
  t.is(safeText('加微信 jin\u0000sha123'), '加微信 ji*****23', 'a NUL inside a handle does not shield it');
  t.is(safeText('line\nforged\r\tline'), 'line forged  line');
  t.is(safeText('table\nrow\ttab', { lines: true }), 'table\nrow\ttab');
  t.is(safeText('abc\u202eevil\u2066'), 'abcevil', 'bidirectional overrides are removed');
  t.is(safeText('只收支付宝 ¥7.25'), '只收支付宝 ¥7.25', 'ordinary text is untouched');
});

test('a contact handle is masked even with an escape sequence between keyword and handle', (t) => {
  t.is(safeText(`加微信${ESC}[31mjinsha123${ESC}[0m`), '加微信ji*****23');
  t.is(safeText(`QQ${ESC}]0;x\u0007 87654321`), 'QQ 87****21');
});

test('property: no raw C0/C1 control, ESC or full WeChat handle survives, whatever sequences surround it', (t) => {
  const handle = fc.stringMatching(/^[a-z][a-z0-9_]{5,15}$/);
  const noise = fc.array(fc.oneof(fc.constantFrom(...SEQUENCES), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 4 }).map((parts) => parts.join(''));
  // Between keyword and handle only what a terminal would not print: whole sequences and control characters.
  const invisible = fc.array(fc.oneof(fc.constantFrom(...SEQUENCES), fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f).map((c) => String.fromCharCode(c))), { maxLength: 4 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(handle, noise, invisible, fc.boolean(), (id, before, between, lines) => {
      const shown = safeText(`${before}加微信${between} ${id} ${before}`, { lines });
      const allowed = lines ? /[\n\t]/ : /(?!)/;
      for (const char of shown) {
        const code = char.charCodeAt(0);
        if ((code < 0x20 || (code >= 0x7f && code <= 0x9f)) && !allowed.test(char)) return false;
      }
      return !shown.includes(id);
    }),
  );
  t.pass();
});

test('safeValue: every string of a JSON value, handles masked whole, numbers and dates kept', (t) => {
  const at = new Date('2024-05-01T08:00:00Z');
  t.deepEqual(safeValue({ id: 3, at, name: `x${ESC}[2J 微信 fuyuan45`, contacts: [{ kind: 'mobile', handle: '13812345678' }], ok: true, none: null }), {
    id: 3,
    at,
    name: 'x 微信 fu****45',
    contacts: [{ kind: 'mobile', handle: '138****5678' }],
    ok: true,
    none: null,
  });
});

/**
 * One lexical token of PostgreSQL text. Comments are dropped, so nothing
 * hidden in one can be mistaken for code; string literals keep their kind
 * but not their content, so a word inside a string is never read as code.
 */
export interface SqlToken {
  kind: 'word' | 'quoted-identifier' | 'string' | 'number' | 'parameter' | 'symbol';
  /** A word lower-cased (as Postgres folds it), a quoted identifier as written, a symbol's characters. */
  text: string;
  /** Where the token starts and ends in the text. */
  start: number;
  end: number;
}

/** Text that cannot be tokenized (an unterminated quote or comment, a Unicode-escaped identifier). */
export class SqlTokenError extends Error {
  override readonly name = 'SqlTokenError';
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/**
 * Splits SQL into tokens the way the PostgreSQL lexer does for what matters
 * to a guard: `--` and nested `/* … *\/` comments, `'…'` strings (with `''`),
 * `E'…'` strings (with backslash escapes), dollar-quoted `$tag$…$tag$`
 * bodies, `"…"` identifiers (with `""`), words folded to lower case.
 * A Unicode-escaped identifier (`U&"…"`) is refused rather than decoded: it
 * could spell any name.
 *
 * @example
 * sqlTokens("select /* x *\/ 'a;b' from t -- c").map((t) => t.text);
 * // ['select', "''", 'from', 't']
 */
export function sqlTokens(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  const push = (kind: SqlToken['kind'], tokenText: string, start: number) => tokens.push({ kind, text: tokenText, start, end: i });
  while (i < text.length) {
    const start = i;
    const c = text[i]!;
    const next = text[i + 1];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(text, i);
    } else if (c === "'") {
      i = skipQuoted(text, i, "'", false);
      push('string', "''", start);
    } else if (c === '"') {
      i = skipQuoted(text, i, '"', false);
      push('quoted-identifier', text.slice(start + 1, i - 1).replaceAll('""', '"'), start);
    } else if (c === '$' && DOLLAR_TAG.test(text.slice(i))) {
      const tag = DOLLAR_TAG.exec(text.slice(i))![0];
      const end = text.indexOf(tag, i + tag.length);
      if (end === -1) throw new SqlTokenError(`unterminated dollar-quoted string ${tag}`);
      i = end + tag.length;
      push('string', "''", start);
    } else if (c === '$' && next !== undefined && /\d/.test(next)) {
      i += 1;
      while (i < text.length && /\d/.test(text[i]!)) i += 1;
      push('parameter', text.slice(start, i), start);
    } else if (WORD_START.test(c)) {
      while (i < text.length && WORD_PART.test(text[i]!)) i += 1;
      const word = text.slice(start, i).toLowerCase();
      if (word === 'u' && text[i] === '&' && (text[i + 1] === '"' || text[i + 1] === "'")) {
        if (text[i + 1] === '"') throw new SqlTokenError('Unicode-escaped identifiers (U&"…") are not accepted');
        i = skipQuoted(text, i + 1, "'", false);
        push('string', "''", start);
      } else if (text[i] === "'" && ['e', 'b', 'x', 'n'].includes(word)) {
        i = skipQuoted(text, i, "'", word === 'e');
        push('string', "''", start);
      } else {
        push('word', word, start);
      }
    } else if (/\d/.test(c) || (c === '.' && next !== undefined && /\d/.test(next))) {
      while (i < text.length && /[0-9A-Za-z_.]/.test(text[i]!)) i += 1;
      push('number', text.slice(start, i), start);
    } else {
      i += 1;
      push('symbol', c, start);
    }
  }
  return tokens;
}

/** The index just after a nested block comment starting at `start`. */
function skipBlockComment(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    if (text.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  throw new SqlTokenError('unterminated /* comment');
}

/** The index just after the quoted text opening at `start` (a doubled quote is an escaped one). */
function skipQuoted(text: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (text[i + 1] !== quote) return i + 1;
      i += 2;
    } else {
      i += 1;
    }
  }
  throw new SqlTokenError(`unterminated ${quote === '"' ? 'quoted identifier' : 'string'}`);
}

import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { declarativeSpecSchema, type DeclarativeSpec } from './source-spec.ts';
import { SourceFileError, describeIssues } from './spec-issues.ts';

/**
 * Reads and validates a declarative source file, YAML or JSON (JSON is
 * read as the YAML it also is, so both report lines and columns). Throws
 * `SourceFileError` listing every problem as `file: path: expected …`.
 *
 * @example
 * ```ts
 * const spec = loadSourceFile('crawler/sources/declarative/demo-board.yaml');
 * spec.kind; // "html"
 * ```
 */
export function loadSourceFile(file: string): DeclarativeSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SourceFileError(file, [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
  return parseSourceText(text, file);
}

/** Parses and validates a source file's text; `file` names it in errors. */
export function parseSourceText(text: string, file: string): DeclarativeSpec {
  const document = parseDocument(text, { prettyErrors: true });
  const [syntax] = document.errors;
  // Only the first: the parser's later errors are mostly that one seen again from further on.
  if (syntax) throw new SourceFileError(file, [`not valid YAML/JSON: ${syntax.message.split('\n')[0]!.replace(/:\s*$/, '')}`]);
  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // An alias to no anchor (`*x`), or aliases past the parser's expansion limit, is only found here.
    throw new SourceFileError(file, [`not valid YAML/JSON: ${(error as Error).message}`]);
  }
  return validateSpec(data, file);
}

/**
 * Validates an already-parsed spec, e.g. one stored in a source row by
 * `sources add`: an older spec that no longer validates fails loudly
 * instead of crawling with half its fields.
 */
export function validateSpec(data: unknown, file: string): DeclarativeSpec {
  const result = declarativeSpecSchema.safeParse(data, { reportInput: true });
  if (!result.success) throw new SourceFileError(file, describeIssues(result.error.issues));
  return result.data;
}

import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSourceFile, validateSpec } from './load-source-file.ts';
import type { DeclarativeSpec } from './source-spec.ts';

/** Where the shipped declarative sources live (`crawler/sources/declarative/`). */
export const SHIPPED_SOURCES_DIR = fileURLToPath(new URL('../sources/declarative/', import.meta.url));

/**
 * The declarative part of a source row's params. A source added with
 * `sources add` keeps the validated `spec` (and the `sourceFile` it came
 * from, for the record): the crawl uses what was validated, and a later
 * edit of the file takes effect on the next `sources add`. A shipped
 * example keeps only its file name (`shipped`) and is read from the
 * shipped folder, so it follows the release that ships it.
 */
export interface DeclarativeParams {
  spec?: unknown;
  sourceFile?: string;
  shipped?: string;
}

/**
 * The spec a declarative source row crawls with, validated again (a spec
 * stored by an older release must still be valid today).
 *
 * @example
 * ```ts
 * specOfSource('demo-board', { shipped: 'demo-board.yaml' }).kind; // "html"
 * ```
 */
export function specOfSource(sourceId: string, params: DeclarativeParams): DeclarativeSpec {
  if (params.spec !== undefined) return validateSpec(params.spec, params.sourceFile ?? `source ${sourceId}`);
  if (typeof params.shipped === 'string') return loadShippedSource(params.shipped);
  throw new Error(`source ${sourceId} is declarative but its params hold neither a spec nor a shipped file; register it again with: otcwatch sources add FILE`);
}

/**
 * The shipped declarative source files, by name.
 *
 * @example
 * ```ts
 * shippedSourceFiles(); // ["demo-board.yaml", "demo-json.yaml", "example-cn-board.yaml"]
 * ```
 */
export function shippedSourceFiles(): string[] {
  return readdirSync(SHIPPED_SOURCES_DIR).filter((file) => /\.(?:ya?ml|json)$/.test(file)).sort();
}

/** Reads and validates one shipped source file by name (`demo-board.yaml`). */
export function loadShippedSource(file: string): DeclarativeSpec {
  return loadSourceFile(path.join(SHIPPED_SOURCES_DIR, path.basename(file)));
}

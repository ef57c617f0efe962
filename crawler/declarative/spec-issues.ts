import type { z } from 'zod';

/**
 * A source file that does not validate: every problem as one line naming
 * the file, the field path and what was expected.
 *
 * @example
 * ```ts
 * new SourceFileError('sources/board.yaml', ['fields.price: required']).message;
 * // "sources/board.yaml: fields.price: required"
 * ```
 */
export class SourceFileError extends Error {
  override readonly name = 'SourceFileError';
  readonly file: string;
  /** `path: problem` lines, without the file. */
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[]) {
    super(problems.map((problem) => `${file}: ${problem}`).join('\n'));
    this.file = file;
    this.problems = problems;
  }
}

/**
 * Turns zod issues into `path: problem` lines an author can act on:
 * `fields.price: required`, `pagination.kind: expected one of page|offset|cursor|next_link`,
 * `fields.prcie: unknown field`. Parse with `reportInput: true` so a missing
 * value can be told from a wrong one.
 *
 * @example
 * ```ts
 * describeIssues(schema.safeParse(data, { reportInput: true }).error!.issues);
 * ```
 */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const at = pathText(issue.path);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${join(at, key)}: unknown field`);
    return [`${at || '(top level)'}: ${problemOf(issue)}`];
  });
}

function problemOf(issue: z.core.$ZodIssue): string {
  const discriminated = issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options);
  if (issue.input === undefined && !discriminated && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return 'required';
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.startsWith('Invalid input') ? `expected ${issue.expected}, got ${kindOf(issue.input)}` : issue.message;
    case 'invalid_union':
      return discriminated ? discriminatorProblem((issue as { options: unknown[] }).options, issue.input) : issue.message;
    case 'invalid_value':
      return `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map(String).join('|')}`}, got ${JSON.stringify(issue.input)}`;
    default:
      return issue.message;
  }
}

/** A discriminated union (`kind`) reports the whole object as its input; the author wants to hear about `kind`. */
function discriminatorProblem(options: readonly unknown[], input: unknown): string {
  const choices = `one of ${options.map(String).join('|')}`;
  const kind = input !== null && typeof input === 'object' ? (input as { kind?: unknown }).kind : undefined;
  return kind === undefined ? `required (${choices})` : `expected ${choices}, got ${JSON.stringify(kind)}`;
}

function pathText(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, step) => (typeof step === 'number' ? `${text}[${step}]` : join(text, String(step))), '');
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

import { sqlTokens, SqlTokenError, type SqlToken } from './sql-tokens.ts';

/** Why the SQL console will not send a statement; the message is one line for the person who typed it. */
export class ConsoleRefusal extends Error {
  override readonly name = 'ConsoleRefusal';
}

/** What a read-only console statement may start with: queries, never commands. */
const READ_ONLY_STARTS = new Set(['select', 'with', 'values', 'table', 'explain', 'show']);

/**
 * Commands refused even with `--write`: they reach outside the database
 * (files, programs, shared libraries, server configuration), change who is
 * speaking, or end the console's own transaction.
 */
const REFUSED_COMMANDS = new Map<string, string>([
  ['copy', 'COPY reads and writes server files and programs; select the rows instead'],
  ['load', 'LOAD loads a shared library into the server'],
  ['do', 'DO runs procedural code, which can build any statement'],
  ['call', 'CALL runs a procedure, which can control transactions'],
  ['begin', 'the console runs each statement in its own transaction'],
  ['start', 'the console runs each statement in its own transaction'],
  ['commit', 'the console runs each statement in its own transaction'],
  ['end', 'the console runs each statement in its own transaction'],
  ['rollback', 'the console runs each statement in its own transaction'],
  ['abort', 'the console runs each statement in its own transaction'],
  ['savepoint', 'the console runs each statement in its own transaction'],
  ['release', 'the console runs each statement in its own transaction'],
  ['prepare', 'the console runs each statement in its own transaction'],
  ['set', 'settings (role, session authorization, read-only mode, timeouts) are the console\'s own'],
  ['reset', 'settings (role, session authorization, read-only mode, timeouts) are the console\'s own'],
  ['discard', 'session state is the console\'s own'],
]);

/**
 * Functions that reach outside the database or into other sessions: server
 * files, large-object import/export, other backends, other databases,
 * settings. Refused wherever their name appears, quoted or not.
 */
const REFUSED_FUNCTIONS = new Set([
  'pg_read_file', 'pg_read_binary_file', 'pg_stat_file', 'pg_ls_dir',
  'lo_import', 'lo_export', 'lo_open', 'lo_creat', 'lo_create', 'lo_unlink', 'lo_put', 'lo_get',
  'lo_from_bytea', 'lo_truncate', 'lo_truncate64', 'lo_close', 'loread', 'lowrite',
  'pg_terminate_backend', 'pg_cancel_backend', 'pg_signal_backend', 'pg_reload_conf', 'pg_rotate_logfile',
  'pg_promote', 'pg_switch_wal', 'pg_create_restore_point', 'pg_backup_start', 'pg_backup_stop',
  'pg_start_backup', 'pg_stop_backup', 'pg_log_backend_memory_contexts', 'pg_logical_emit_message',
  'set_config', 'pg_advisory_lock', 'pg_advisory_xact_lock', 'pg_sleep_until',
]);
const REFUSED_FUNCTION_PREFIXES = ['pg_ls_', 'pg_file_', 'dblink', 'pg_replication_', 'pg_create_', 'pg_drop_'];

/**
 * Checks one statement for the SQL console before anything is sent, and
 * returns it without a trailing `;`. Read-only (the default): exactly one
 * query (`select`, `with`, `values`, `table`, `explain`, `show`). Always:
 * one statement, none of the commands and functions that reach outside the
 * database. It reads tokens, not text, so comments, quoting and case cannot
 * hide a name, and a name inside a string literal is only data.
 *
 * This is a guard in front of the real boundaries (a read-only transaction,
 * and a role that can only read: `OTCWATCH_READ_URL`), not a replacement.
 *
 * @example
 * checkConsoleStatement('select 1;', { write: false }); // 'select 1'
 * checkConsoleStatement('commit; delete from alerts', { write: false }); // throws ConsoleRefusal
 */
export function checkConsoleStatement(text: string, options: { write: boolean }): string {
  let tokens: SqlToken[];
  try {
    tokens = sqlTokens(text);
  } catch (error) {
    if (error instanceof SqlTokenError) throw new ConsoleRefusal(`cannot read the statement: ${error.message}`);
    throw error;
  }
  const statements = splitStatements(tokens);
  if (statements.length === 0) throw new ConsoleRefusal('no statement given');
  if (statements.length > 1) {
    const starts = statements.map((s) => s[0]!.text).join(', ');
    throw new ConsoleRefusal(`one statement at a time: this holds ${statements.length} (${starts}); send each on its own`);
  }
  const statement = statements[0]!;
  const first = statement[0]!;
  const second = statement[1]?.text;
  const command = first.kind === 'word' ? first.text : '';
  const why = REFUSED_COMMANDS.get(command);
  if (why) throw new ConsoleRefusal(`${command.toUpperCase()} is refused: ${why}`);
  if (command === 'alter' && second === 'system') throw new ConsoleRefusal('ALTER SYSTEM is refused: it writes the server\'s configuration files');
  if (command === 'create' && (second === 'extension' || statement.some((t) => t.kind === 'word' && t.text === 'language'))) {
    throw new ConsoleRefusal('CREATE EXTENSION and functions in a LANGUAGE are refused: they load code into the server');
  }
  if (!options.write && !READ_ONLY_STARTS.has(command)) {
    throw new ConsoleRefusal(`read-only: only a query (select, with, values, table, explain, show) is run, not "${command || first.text}"; add --write to change data`);
  }
  for (const token of statement) {
    if (token.kind !== 'word' && token.kind !== 'quoted-identifier') continue;
    const name = token.text.toLowerCase();
    if (REFUSED_FUNCTIONS.has(name) || REFUSED_FUNCTION_PREFIXES.some((p) => name.startsWith(p))) {
      throw new ConsoleRefusal(`${name} is refused: it reaches outside the database or into other sessions`);
    }
  }
  // From its first token to its last: a trailing `;` would make a second, empty statement.
  return text.slice(first.start, statement.at(-1)!.end);
}

function splitStatements(tokens: readonly SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'symbol' && token.text === ';') statements.push([]);
    else statements.at(-1)!.push(token);
  }
  return statements.filter((s) => s.length > 0);
}

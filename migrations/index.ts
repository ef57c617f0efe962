import type { Migration } from 'kysely';
import * as foundation from './0001-foundation.ts';

/**
 * Every migration, in order. Listed statically (not read from disk) so they
 * run the same under tsx, a bundle or a test; add a new one with one line.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
};

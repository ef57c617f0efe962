import { sql, type Kysely } from 'kysely';
import { writeComments, type SchemaComments } from './comments.ts';

/**
 * Each distinct text an operator showed is read by the regular expressions
 * once, when it is first folded, not at every scoring of its operator:
 * `operator_text_sightings` keeps the contact handles found in it and its
 * first run of Han characters. Rows of texts already stored start
 * unmatched (`contacts` null) and are matched by the next scoring pass
 * (`store/signals/text-matches.ts`), so the patterns live in one place.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('operator_text_sightings')
    .addColumn('contacts', 'jsonb')
    .addColumn('han', 'text')
    .execute();
  await sql`create index operator_text_sightings_unmatched on operator_text_sightings (operator_id) where contacts is null`.execute(db);
  await writeComments(db, COMMENTS);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('operator_text_sightings').dropColumn('contacts').dropColumn('han').execute();
}

export const COMMENTS: SchemaComments = {
  operator_text_sightings: {
    contacts:
      'contact handles in the text as [{kind, matched, handle}] (kind wechat, qq, mobile or invitation; handle in full, null for an invitation); null until matched',
    han: 'the first run of Han characters in the text, null when none',
  },
};

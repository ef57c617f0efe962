import type { Kysely } from 'kysely';
import type { CrawledPage, ReadPage } from '../crawler/crawl-runner.ts';
import type { PageRequest } from '../crawler/source-adapter.ts';
import type { Database } from './schema.ts';
import { writeRunPages } from './snapshot-writer.ts';

/**
 * A running run's journal: pages are stored as they are read, with group
 * commit — pages that arrive while a write is in flight go together in the
 * next transaction, so a fast crawl pays one commit per batch, not per page,
 * and a slow one still commits each page at once. `write` resolves only
 * when its page is committed; a `kill -9` loses at most the pages of the
 * transaction in flight, and the resumed run fetches those again.
 *
 * @example
 * const journal = new RunJournal({ db, runId, platform: 'demo' });
 * await crawlSource({ adapter, source, fetcher, onPage: (page) => journal.write(page) });
 */
export class RunJournal {
  readonly #props: RunJournalProps;
  #waiting: { page: CrawledPage; settle: (error?: unknown) => void }[] = [];
  #writing: Promise<void> | null = null;

  constructor(props: RunJournalProps) {
    this.#props = props;
  }

  write(page: CrawledPage): Promise<void> {
    const committed = new Promise<void>((resolve, reject) => {
      this.#waiting.push({ page, settle: (error) => (error === undefined ? resolve() : reject(error)) });
    });
    this.#writing ??= this.#drain().finally(() => (this.#writing = null));
    return committed;
  }

  async #drain(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting;
      this.#waiting = [];
      try {
        const pages = batch.map((w) => w.page);
        const stored = this.#props.stored;
        // Only a request the run stored before (a resumed run's failed page, read again) has rows to replace.
        const replacing = stored ? pages.map((p) => p.requestKey).filter((key) => stored.has(key)) : undefined;
        await writeRunPages(this.#props.db, { runId: this.#props.runId, platform: this.#props.platform, pages, ...(replacing ? { replacing } : {}) });
        for (const w of batch) w.settle();
      } catch (error) {
        for (const w of batch) w.settle(error);
      }
    }
  }
}

export interface RunJournalProps {
  db: Kysely<Database>;
  runId: number;
  /** Operators and listings are keyed per platform. */
  platform: string;
  /**
   * The requests the run has stored pages for (`readRunJournal(…).stored`;
   * empty for a new run): a page of any other request has nothing to
   * replace, and is written without first deleting. Absent: every page is
   * taken as possibly stored before.
   */
  stored?: ReadonlySet<string>;
}

/**
 * What a run has stored so far: the pages it read well, by request key,
 * with the requests each led to — what a resumed crawl skips — and the key
 * of every page stored, failed ones too (a resumed run tries those again,
 * and its journal replaces their rows).
 *
 * @example
 * const { read, stored } = await readRunJournal(db, runId);
 * await crawlSource({ adapter, source, fetcher, resumeFrom: read, onPage: (page) => new RunJournal({ db, runId, platform, stored }).write(page) });
 */
export async function readRunJournal(db: Kysely<Database>, runId: number): Promise<{ read: Map<string, ReadPage>; stored: Set<string> }> {
  const rows = await db.selectFrom('run_pages').select(['request_key', 'outcome', 'next_requests']).where('run_id', '=', runId).execute();
  return {
    read: new Map(rows.filter((r) => r.outcome === 'ok').map((r) => [r.request_key, { next: r.next_requests as PageRequest[] }])),
    stored: new Set(rows.map((r) => r.request_key)),
  };
}

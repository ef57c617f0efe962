import type { CrawlProgress } from '../../crawler/crawl-runner.ts';
import { safeText } from '../output/safe-text.ts';

/**
 * Crawl progress for a person: a redrawn bar on a terminal, one plain line
 * per page otherwise (logs, CI), never escape codes in a file.
 *
 * @example
 * const progress = crawlProgressPrinter(process.stderr, 'demo-api');
 * await runCrawlJob(store, services, 'demo-api', { onProgress: progress.update });
 * progress.done();
 */
export function crawlProgressPrinter(stream: NodeJS.WriteStream, label: string) {
  const tty = Boolean(stream.isTTY);
  let drawn = false;
  return {
    update(p: CrawlProgress) {
      if (!tty) {
        stream.write(`${label}: page ${p.pagesDone} ${p.pagesFailed ? `(${p.pagesFailed} failed) ` : ''}listings ${p.listings} ${safeText(p.lastUrl)}\n`);
        return;
      }
      const total = p.pagesDone + Math.max(0, p.pagesQueued);
      const width = 24;
      const filled = total === 0 ? 0 : Math.round((p.pagesDone / total) * width);
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      stream.write(`\r${label} [${bar}] ${p.pagesDone} pages, ${p.pagesFailed} failed, ${p.listings} listings `);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}

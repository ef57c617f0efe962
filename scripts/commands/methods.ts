import type { Command } from 'commander';
import { PAYMENT_METHOD_CATALOG, isDomestic, matchPaymentMethod } from '../../crawler/normalize/payment-methods.ts';
import { UsageError } from '../cli-context.ts';
import { formatTable } from '../format/table.ts';
import { textWidth } from '../format/text-width.ts';

const CATEGORIES = [...new Set(PAYMENT_METHOD_CATALOG.map((m) => m.category))];

export function registerMethods(command: Command): void {
  command
    .argument('[names...]', 'method names to resolve (an alias in any language, a canonical code), as a `map` or a method list would give them')
    .option('--fiat <code>', 'resolve names on a listing in this fiat (generic bank and credit cards are mainland ones in CNY)')
    .option('--category <category>', `only this category (${CATEGORIES.join(', ')})`)
    .option('--domestic', 'only mainland-China rails')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  otcwatch methods --domestic\n  otcwatch methods 支付寶 BANK Visa "QQ钱包" --fiat CNY')
    .action((names: string[], options: { fiat?: string; category?: string; domestic?: boolean; json?: boolean }) => {
      if (names.length > 0) return printResolved(names, options);
      if (options.category !== undefined && !CATEGORIES.includes(options.category as never)) {
        throw new UsageError(`--category must be one of ${CATEGORIES.join(', ')}, got "${options.category}"`);
      }
      const methods = PAYMENT_METHOD_CATALOG.filter(
        (m) => (options.category === undefined || m.category === options.category) && (!options.domestic || isDomestic(m.code)),
      ).map((m) => ({
        code: m.code,
        name: m.name,
        category: m.category,
        domestic: isDomestic(m.code),
        inCny: m.inCny ?? null,
        aliases: [...m.aliases],
        notInText: [...(m.ambiguousInText ?? [])],
      }));
      if (options.json) return console.log(JSON.stringify(methods));
      for (const m of methods) {
        const facts = [m.category, ...(m.domestic ? ['domestic'] : []), ...(m.inCny ? [`${m.inCny} on CNY listings`] : [])].join('; ');
        console.log(`${m.code} — ${m.name} (${facts})`);
        for (const line of wrap(m.aliases.map((a) => (m.notInText.includes(a) ? `${a}*` : a)), 96)) console.log(`    ${line}`);
      }
      console.log('* trusted as a method name, never searched for in free text');
    });
}

/** Each name as a source's method list or `map` would store it: canonical code (or unknown), domestic or not. */
function printResolved(names: string[], options: { fiat?: string; json?: boolean }): void {
  const fiat = options.fiat?.toUpperCase();
  const rows = names.map((name) => {
    const ref = matchPaymentMethod(name, fiat === undefined ? {} : { fiat });
    return { name, code: ref.code, domestic: isDomestic(ref.code) };
  });
  if (options.json) return console.log(JSON.stringify(rows));
  console.log(formatTable(rows.map((r) => ({ name: r.name, code: r.code ?? '(unknown: stored as unknown:<name>)', domestic: r.domestic ? 'yes' : '' }))));
}

/** Aliases joined by commas into lines of at most `width` columns (Han characters count two). */
function wrap(words: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line === '' ? word : `${line}, ${word}`;
    if (line !== '' && textWidth(next) > width) {
      lines.push(`${line},`);
      line = word;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

import { DECLARATIVE, declarativeAdapter } from '../declarative/declarative-adapter.ts';
import { specOfSource } from '../declarative/stored-source.ts';
import type { SourceAdapter } from '../source-adapter.ts';
import { binanceAdapter } from './binance.ts';
import { bybitAdapter } from './bybit.ts';
import { demoApiAdapter } from './demo-api.ts';
import { demoBrowserAdapter } from './demo-browser.ts';
import { demoHtmlAdapter } from './demo-html.ts';
import { htxAdapter } from './htx.ts';
import { okxAdapter } from './okx.ts';

/** Every coded adapter. Adding a marketplace adds one line here. */
export const adapters: readonly SourceAdapter[] = [demoApiAdapter, demoHtmlAdapter, demoBrowserAdapter, binanceAdapter, okxAdapter, htxAdapter, bybitAdapter];

/** Finds an adapter by name, or says which ones exist. */
export function getAdapter(name: string): SourceAdapter {
  const adapter = adapters.find((a) => a.name === name);
  if (!adapter) throw new Error(`unknown adapter "${name}"; known: ${adapters.map((a) => a.name).join(', ')}`);
  return adapter;
}

/**
 * The adapter that crawls a stored source: its coded adapter by name, or,
 * for a declarative source, one built from the spec its params hold.
 *
 * @example
 * adapterForSource(await findSource(db, 'demo-board')).name; // "demo-board"
 */
export function adapterForSource(row: { id: string; kind: string; adapter: string; params: Record<string, unknown> }): SourceAdapter {
  return row.kind === DECLARATIVE ? declarativeAdapter(specOfSource(row.id, row.params)) : getAdapter(row.adapter);
}

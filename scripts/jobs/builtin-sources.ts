import { loadShippedSource, shippedSourceFiles } from '../../crawler/declarative/stored-source.ts';
import type { SourceAdapter } from '../../crawler/source-adapter.ts';
import { adapters } from '../../crawler/sources/index.ts';
import type { Store } from '../../store/connection.ts';
import { ensureSource, type SourceRegistration } from '../../store/sources.ts';
import { declarativeRegistration } from './declarative-registration.ts';

/**
 * Registers one source per coded adapter (id = adapter name, base URL = the
 * adapter's default) and per shipped declarative source file
 * (`crawler/sources/declarative/`, id = its name) unless a source of that id
 * exists already, so edits an investigator made to a source are kept.
 */
export async function registerBuiltinSources(store: Store): Promise<void> {
  for (const adapter of adapters) await ensureSource(store.db, adapterSourceRegistration(adapter));
  for (const file of shippedSourceFiles()) {
    await ensureSource(store.db, declarativeRegistration(loadShippedSource(file), { shipped: file }));
  }
}

/**
 * The source a coded adapter starts as (id = adapter name, its defaults),
 * with the caller's changes on top — e.g. another base URL for a mirror or
 * a local demo marketplace.
 *
 * @example
 * await upsertSource(store.db, adapterSourceRegistration(getAdapter('demo-api'), { baseUrl: market.url }));
 */
export function adapterSourceRegistration(adapter: SourceAdapter, changes: Partial<SourceRegistration> = {}): SourceRegistration {
  return {
    id: adapter.name,
    adapter: adapter.name,
    platform: adapter.platform,
    kind: adapter.kind,
    baseUrl: adapter.defaultBaseUrl,
    params: adapter.defaultParams ?? {},
    politeness: adapter.defaultPoliteness ?? {},
    hostCountry: adapter.hostCountry ?? null,
    ...changes,
  };
}

import { loadShippedSource, shippedSourceFiles } from '../../crawler/declarative/stored-source.ts';
import type { SourceAdapter } from '../../crawler/source-adapter.ts';
import { adapters } from '../../crawler/sources/index.ts';
import { writeCatalogWhenChanged } from '../../store/catalog-versions.ts';
import type { Store } from '../../store/connection.ts';
import { ensureSource, type SourceRegistration } from '../../store/sources.ts';
import { declarativeRegistration } from './declarative-registration.ts';

/**
 * Registers one source per coded adapter (id = adapter name, base URL = the
 * adapter's default) and per shipped declarative source file
 * (`crawler/sources/declarative/`, id = its name) unless a source of that id
 * exists already, so edits an investigator made to a source are kept.
 * Only when the built-in registrations changed since they were last
 * written (`catalog_versions` row `builtin-sources`): a release registers
 * them once, not every command.
 *
 * @example
 * await registerBuiltinSources(store); // true once per release that changes a built-in source
 */
export async function registerBuiltinSources(store: Store): Promise<boolean> {
  const registrations = [
    ...adapters.map((adapter) => adapterSourceRegistration(adapter)),
    ...shippedSourceFiles().map((file) => declarativeRegistration(loadShippedSource(file), { shipped: file })),
  ];
  return writeCatalogWhenChanged(store.db, 'builtin-sources', registrations, async (trx) => {
    for (const registration of registrations) await ensureSource(trx, registration);
  });
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

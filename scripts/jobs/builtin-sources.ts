import { loadShippedSource, shippedSourceFiles } from '../../crawler/declarative/stored-source.ts';
import { adapters } from '../../crawler/sources/index.ts';
import type { Store } from '../../store/connection.ts';
import { ensureSource } from '../../store/sources.ts';
import { declarativeRegistration } from './declarative-registration.ts';

/**
 * Registers one source per coded adapter (id = adapter name, base URL = the
 * adapter's default) and per shipped declarative source file
 * (`crawler/sources/declarative/`, id = its name) unless a source of that id
 * exists already, so edits an investigator made to a source are kept.
 */
export async function registerBuiltinSources(store: Store): Promise<void> {
  for (const adapter of adapters) {
    await ensureSource(store.db, {
      id: adapter.name,
      adapter: adapter.name,
      platform: adapter.platform,
      kind: adapter.kind,
      baseUrl: adapter.defaultBaseUrl,
      params: adapter.defaultParams ?? {},
      politeness: adapter.defaultPoliteness ?? {},
      hostCountry: adapter.hostCountry ?? null,
    });
  }
  for (const file of shippedSourceFiles()) {
    await ensureSource(store.db, declarativeRegistration(loadShippedSource(file), { shipped: file }));
  }
}

import type { SourceAdapter } from '../source-adapter.ts';
import { demoApiAdapter } from './demo-api.ts';
import { demoHtmlAdapter } from './demo-html.ts';

/** Every coded adapter. Adding a marketplace adds one line here. */
export const adapters: readonly SourceAdapter[] = [demoApiAdapter, demoHtmlAdapter];

/** Finds an adapter by name, or says which ones exist. */
export function getAdapter(name: string): SourceAdapter {
  const adapter = adapters.find((a) => a.name === name);
  if (!adapter) throw new Error(`unknown adapter "${name}"; known: ${adapters.map((a) => a.name).join(', ')}`);
  return adapter;
}

import { DECLARATIVE, sourceParamsOf } from '../../crawler/declarative/declarative-adapter.ts';
import type { DeclarativeParams } from '../../crawler/declarative/stored-source.ts';
import type { DeclarativeSpec } from '../../crawler/declarative/source-spec.ts';
import type { SourceRegistration } from '../../store/sources.ts';

/**
 * The `sources` row of a declarative source: id = the spec's `name`,
 * adapter and kind `declarative`, params = the spec's params (`maxPages`,
 * `schedule` included) plus where the spec lives (see `DeclarativeParams`).
 *
 * @example
 * ```ts
 * await upsertSource(db, declarativeRegistration(spec, { spec, sourceFile: '/home/me/board.yaml' }));
 * await ensureSource(db, declarativeRegistration(spec, { shipped: 'demo-board.yaml' }));
 * ```
 */
export function declarativeRegistration(spec: DeclarativeSpec, where: DeclarativeParams, baseUrl = spec.baseUrl): SourceRegistration {
  return {
    id: spec.name,
    adapter: DECLARATIVE,
    platform: spec.platform,
    kind: DECLARATIVE,
    baseUrl,
    params: { ...sourceParamsOf(spec), ...where },
    politeness: spec.politeness ?? {},
    hostCountry: spec.hostCountry ?? null,
    enabled: spec.enabled ?? true,
  };
}

import { Cron } from 'croner';
import { z } from 'zod';
import { CRAWL_LIMITS, type CrawlLimitName } from '../crawl-limits.ts';
import { htmlFields, jsonFields } from './field-spec.ts';
import { htmlPagination, jsonPagination } from './pagination-spec.ts';
import { exactlyOne, jsonPathText, regexText, scalar, selectorText } from './spec-checks.ts';
import { checkTemplates } from './template-checks.ts';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected lower-case letters, digits and "-"' });

/** Same keys, same meaning as a coded source's politeness (see `PolitenessConfig`). */
const politeness = z.strictObject({
  minGapMs: limited('minGapMs').optional(),
  concurrency: limited('concurrency').optional(),
  requestsPerInterval: limited('requestsPerInterval').optional(),
  intervalMs: limited('intervalMs').optional(),
  respectRobots: z.boolean().optional(),
  pageRetries: limited('pageRetries').optional(),
  pageRetryDelayMs: limited('pageRetryDelayMs').optional(),
});

/** A whole number in the range every other way of setting it also holds (crawl-limits.ts). */
function limited(name: CrawlLimitName) {
  const { min, max, note } = CRAWL_LIMITS[name];
  const error = `expected a whole number from ${min} to ${max}${note}`;
  return z.int({ error }).min(min, { error }).max(max, { error });
}

const cron = z.string().refine(isCron, { error: 'expected a cron expression like "*/15 * * * *"' });

/**
 * The first request: `url` is resolved against the source's base URL; `url`,
 * `headers` and `body` may use `{{page}}`, `{{offset}}`, `{{cursor}}`,
 * `{{pageSize}}` and `{{params.NAME}}`. A `body` object is sent as JSON, and
 * a string that is exactly one placeholder keeps its type (`page: '{{page}}'` → `1`).
 */
const request = z.strictObject({
  method: z.enum(['GET', 'POST']).optional(),
  url: z.string().min(1),
  body: z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a text or an object (sent as JSON)' }).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

const common = {
  name: slug,
  platform: slug,
  description: z.string().optional(),
  /** A source registered disabled is listed but skipped by scheduled crawls (e.g. an example whose host is fictional). */
  enabled: z.boolean().optional(),
  baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
  hostCountry: z.string().regex(/^[A-Z]{2}$/, { error: 'expected an ISO 3166 alpha-2 code like SC' }).optional(),
  politeness: politeness.optional(),
  maxPages: limited('maxPages').optional(),
  params: z.record(z.string(), scalar).optional(),
  /** Kept in the source's params for the scheduler. */
  schedule: cron.optional(),
  /** Share of a page's rows allowed to fail before the page fails ("layout changed?"). */
  maxFailureShare: z.number().min(0).max(1).optional(),
  /** How bare completion rates are printed (a trailing `%` always means percent). */
  completionRateScale: z.enum(['fraction', 'percent']).optional(),
  request,
};

const jsonSpec = z
  .strictObject({
    ...common,
    kind: z.literal('json'),
    rows: jsonPathText,
    fields: jsonFields,
    pagination: jsonPagination.optional(),
    /** The page is an error unless the value at `path` equals `equals`; `messagePath` says why. */
    errorEnvelope: z.strictObject({ path: jsonPathText, equals: scalar, messagePath: jsonPathText.optional() }).optional(),
    /** Transient envelopes: the value at `path` is one of `in` ("system busy", rate limited), so the page is read again before it fails. */
    retryOn: z.strictObject({ path: jsonPathText, in: z.array(scalar).min(1), messagePath: jsonPathText.optional() }).optional(),
    /** An explicitly empty page: the value at `path` equals `equals`, or the body matches `regex`. */
    noResults: z
      .strictObject({ path: jsonPathText.optional(), equals: scalar.optional(), regex: regexText.optional() })
      .superRefine(exactlyOne(['path', 'regex']))
      .optional(),
  })
  .superRefine(checkTemplates);

const htmlShape = {
  ...common,
  /** Each element the selector matches is one listing. */
  rows: selectorText,
  fields: htmlFields,
  pagination: htmlPagination.optional(),
  /** An explicitly empty page: the selector matches, or the body matches `regex`. */
  noResults: z.strictObject({ selector: selectorText.optional(), regex: regexText.optional() }).superRefine(exactlyOne(['selector', 'regex'])).optional(),
};

const htmlSpec = z.strictObject({ ...htmlShape, kind: z.literal('html') }).superRefine(checkTemplates);

const browserSpec = z
  .strictObject({
    ...htmlShape,
    kind: z.literal('browser'),
    /** What must be on the page before it is read (see `Readiness`); the selector is the browser's, so Playwright's own forms pass too. */
    readiness: z
      .strictObject({ selector: z.string().min(1).optional(), response: z.string().min(1).optional(), function: z.string().min(1).optional() })
      .superRefine(exactlyOne(['selector', 'response', 'function'])),
  })
  .superRefine(checkTemplates);

/**
 * A declarative source file (YAML or JSON), one of three kinds: `json` (an
 * API), `html` (a server-rendered board) and `browser` (an `html` board
 * rendered in the browser). See `crawler/sources/declarative/*.yaml`.
 */
export const declarativeSpecSchema = z.discriminatedUnion('kind', [jsonSpec, htmlSpec, browserSpec]);

export type DeclarativeSpec = z.infer<typeof declarativeSpecSchema>;
export type JsonSpec = z.infer<typeof jsonSpec>;
export type HtmlSpec = z.infer<typeof htmlSpec> | z.infer<typeof browserSpec>;
export type BrowserSpec = z.infer<typeof browserSpec>;
export type RequestSpec = z.infer<typeof request>;

function isCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

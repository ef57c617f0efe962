import type { Migration } from 'kysely';
import * as foundation from './0001-foundation.ts';
import * as alerts from './0002-alerts.ts';
import * as scoresSchedules from './0003-scores-schedules.ts';
import * as investigatorViews from './0004-investigator-views.ts';
import * as durableRuns from './0005-durable-runs.ts';
import * as listingsInContext from './0006-listings-in-context.ts';
import * as baselineAlerts from './0008-baseline-alerts.ts';
import * as hostSlots from './0009-host-slots.ts';
import * as runFacts from './0010-run-facts.ts';
import * as schemaMeanings from './0011-schema-meanings.ts';
import * as warcEvidence from './0012-warc-evidence.ts';
import * as scoreAggregates from './0013-score-aggregates.ts';
import * as currentListingsByRun from './0014-current-listings-by-run.ts';
import * as textMatches from './0015-text-matches.ts';
import * as observationMethodArrays from './0016-observation-method-arrays.ts';
import * as stableScoreEvidence from './0017-stable-score-evidence.ts';

/**
 * Every migration, in order. Listed statically (not read from disk) so they
 * run the same under tsx, a bundle or a test; add a new one with one line.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-alerts': alerts,
  '0003-scores-schedules': scoresSchedules,
  '0004-investigator-views': investigatorViews,
  '0005-durable-runs': durableRuns,
  '0006-listings-in-context': listingsInContext,
  '0008-baseline-alerts': baselineAlerts,
  '0009-host-slots': hostSlots,
  '0010-run-facts': runFacts,
  '0011-schema-meanings': schemaMeanings,
  '0012-warc-evidence': warcEvidence,
  '0013-score-aggregates': scoreAggregates,
  '0014-current-listings-by-run': currentListingsByRun,
  '0015-text-matches': textMatches,
  '0016-observation-method-arrays': observationMethodArrays,
  '0017-stable-score-evidence': stableScoreEvidence,
};

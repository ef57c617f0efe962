import { cnyListings } from './cny-listings.ts';
import { cnyOrderVolume } from './cny-order-volume.ts';
import { domesticContact } from './domestic-contact.ts';
import { domesticPaymentRails } from './domestic-payment-rails.ts';
import { hanScript } from './han-script.ts';
import { mainlandDaytime } from './mainland-daytime.ts';
import { offshorePlatform } from './offshore-platform.ts';
import type { SignalDefinition } from './signal-query.ts';

/** Every signal of the domestic-facing score, heaviest first (weights in `signal-weights.ts`). */
export const SIGNALS: readonly SignalDefinition[] = [
  domesticPaymentRails,
  cnyListings,
  domesticContact,
  offshorePlatform,
  hanScript,
  cnyOrderVolume,
  mainlandDaytime,
];

import { consentDenies, type StoredEvent } from '@pulse/events';
import type { ExclusionReason } from '../worker/modeling-consumer.js';

export interface ExclusionRules {
  /** Events whose consent refuses this category are not modelled; undefined: not checked. */
  consentCategory?: string | undefined;
  /** The regulations read so far (RegulationState.blocks). */
  regulated(userKey: string, receivedAt: string): boolean;
}

/** Why an event must stay out of the models, if it must: its person's regulation first, then its consent. */
export function modelingExclusion(
  rules: ExclusionRules,
): (event: StoredEvent) => ExclusionReason | undefined {
  const category = rules.consentCategory;
  return (event) => {
    if (rules.regulated(event.user_key, event.received_at)) return 'regulation';
    if (category !== undefined && consentDenies(event.context, category)) return 'consent';
    return undefined;
  };
}

import type { DemoSummary } from './retail-demo.js';

/** The demo's summary for people; the same figures are in .pulse/demo-summary.json. */
export function formatSummary(s: DemoSummary): string {
  const lines = [
    '',
    'Pulse demo: Online Retail through collector -> Kafka -> ingest -> ClickHouse (embedded)',
    `  sent          ${s.sent}`,
    `  accepted      ${s.accepted}   (Kafka acknowledged before the collector answered)`,
    `  rejected      ${s.rejected}   (400 with field and reason, or refused by the client)`,
    `  stored        ${s.stored}   (counted in ClickHouse, one row per messageId)`,
    `  dead letters  ${s.dead_letters}`,
    `  check         sent = stored + rejected + dead_letters: ${s.sent} = ${s.stored + s.rejected + s.dead_letters} ${
      s.sent === s.stored + s.rejected + s.dead_letters ? 'OK' : 'MISMATCH'
    }`,
    '  rejected, by reason:',
    ...Object.entries(s.rejected_reasons).map(
      ([reason, n]) =>
        `    ${String(n).padStart(6)}  ${reason}  e.g. "${(s['rejection_examples'] as Record<string, string>)[reason] ?? ''}"`,
    ),
    `  stored, by event: ${JSON.stringify(s['stored_by_event'])}`,
    `  customers ${s['customers']}, guest checkouts ${s['guest_checkouts']}, revenue GBP ${s['revenue_gbp']}, refunded GBP ${s['refunded_gbp']}`,
    `  source rows not sent: ${JSON.stringify(s['source_rows_not_sent'])}`,
    '  campaigns (trigger service, example campaigns on the log channel), actions by outcome:',
    ...Object.entries((s['campaigns'] as Record<string, Record<string, number>> | undefined) ?? {}).map(
      ([campaign, outcomes]) => `    ${campaign}: ${JSON.stringify(outcomes)}`,
    ),
    `  ${s.seconds} s in all`,
  ];
  return lines.join('\n');
}

import type { DemoSummary } from './retail-demo.js';
import type { CampaignReport } from './trigger-summary.js';
import type { WebhookSummary } from './webhook-summary.js';

const COLUMNS = ['decided', 'fired', 'held_out', 'suppressed', 'capped', 'failed'] as const;

/** The campaigns part of the printed summary: a row per campaign, the receiver's figures and one payload. */
export function campaignLines(s: DemoSummary): string[] {
  const campaigns = (s['campaigns'] as Record<string, CampaignReport> | undefined) ?? {};
  const webhooks = s['webhooks'] as WebhookSummary | undefined;
  const rows = Object.entries(campaigns);
  const idWidth = Math.max(8, ...rows.map(([id]) => id.length));
  const triggerWidth = Math.max(7, ...rows.map(([, c]) => c.trigger.length));
  const header = [
    'campaign'.padEnd(idWidth),
    'trigger'.padEnd(triggerWidth),
    ...COLUMNS.map((c) => c.replace('_', ' ').padStart(10)),
    '  other',
  ].join(' ');
  const otto = s['otto_sample'] as { sessions: number; sent: number } | undefined;
  const lines = [
    ...(otto
      ? [`  OTTO sample (for the abandoned cart): ${otto.sent} calls from ${otto.sessions} sessions`]
      : []),
    '  campaigns (trigger service, signed webhooks to the demo receiver), actions by outcome:',
    `    ${header}`,
    ...rows.map(([id, c]) => {
      const other = Object.entries(c.other)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      return `    ${[
        id.padEnd(idWidth),
        c.trigger.padEnd(triggerWidth),
        ...COLUMNS.map((col) => String(c[col]).padStart(10)),
        `  ${other}`,
      ].join(' ')}`.trimEnd();
    }),
    `    recommendations looked up for messages: ${JSON.stringify(s['recommendation_lookups'] ?? {})}; jobs still queued: ${s['pending_jobs'] ?? 0}`,
  ];
  if (!webhooks) return lines;
  const fired = rows.reduce((n, [, c]) => n + c.fired, 0);
  const received = Object.values(webhooks.actions_by_campaign).reduce((a, b) => a + b, 0);
  lines.push(
    `  webhook receiver: ${webhooks.requests} requests, ${webhooks.signature_verified} signature verified, ${webhooks.rejected} rejected (incl. the demo's forged request: ${webhooks.forged_request_status}), ${webhooks.duplicates} duplicates dropped`,
    `    check         actions received = actions fired: ${received} = ${fired} ${received === fired ? 'OK' : 'MISMATCH'}`,
  );
  if (webhooks.example) {
    lines.push(
      `    example payload (${webhooks.example.campaign}):`,
      ...JSON.stringify(webhooks.example.payload, null, 2)
        .split('\n')
        .map((l) => `      ${l}`),
    );
  }
  return lines;
}

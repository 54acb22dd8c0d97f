import { mapOnlineRetail, readOnlineRetail } from '@pulse/datasets';
import type { JsonValue } from '@pulse/events';
import { interactionsFromTrack, type ReplayInteraction } from '@pulse/modeling';
import type { ReplaySource } from './replay-source.js';

/**
 * Online Retail orders as purchases, through the same mapping as the replay into the pipeline
 * (mapOnlineRetail: one Order Completed per invoice, in time order) and the same reading of track
 * events as the worker (interactionsFromTrack): a customer's purchases form one session; a guest's
 * invoice is its own. Refunds and rows that do not become orders carry no purchase and are not
 * replayed (`notReplayed` counts the rows). The data set is small (26k invoices): held in memory.
 * The catalogue is each product's most frequent description.
 */
export async function retailSource(
  dataDir: string | undefined,
): Promise<ReplaySource & { notReplayed: number }> {
  const all: ReplayInteraction[] = [];
  const descriptions = new Map<string, Map<string, number>>();
  let notReplayed = 0;
  for await (const item of mapOnlineRetail(readOnlineRetail(dataDir ? { dataDir } : {}))) {
    if (item.kind === 'not_sent') {
      notReplayed += item.lines.length;
      continue;
    }
    const call = item.call;
    if (call.type !== 'track') continue;
    const session = call.userId ?? call.anonymousId ?? '';
    const found = interactionsFromTrack(
      call.event,
      call.properties as Record<string, JsonValue>,
      session,
      call.timestamp.getTime(),
    );
    if (found.length === 0) notReplayed += item.lines.length;
    for (const x of found) {
      all.push(x);
      if (x.text === undefined) continue;
      const texts = descriptions.get(x.item) ?? new Map<string, number>();
      texts.set(x.text, (texts.get(x.text) ?? 0) + 1);
      descriptions.set(x.item, texts);
    }
  }
  const remaining = new Map<string, number>();
  for (const x of all) remaining.set(x.session, (remaining.get(x.session) ?? 0) + 1);
  for (const x of all) {
    const left = remaining.get(x.session)! - 1;
    remaining.set(x.session, left);
    x.last = left === 0;
  }
  const catalog = new Map<string, string>();
  for (const [product, texts] of descriptions) {
    let best = '';
    let bestCount = 0;
    for (const [text, n] of texts) {
      if (n > bestCount) {
        best = text;
        bestCount = n;
      }
    }
    catalog.set(product, best);
  }
  return {
    name: 'Online Retail orders',
    interactions: all,
    catalog,
    badLines: () => 0,
    notReplayed,
  };
}

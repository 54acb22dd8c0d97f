import { mapOttoSession, readOttoSessions, type SegmentCall, type SegmentTrackCall } from '@pulse/datasets';

export interface OttoCalls {
  sessions: number;
  calls: SegmentCall[];
}

/**
 * The OTTO sample as anonymous Segment calls for the abandoned-cart campaign, shifted in time so
 * that its last event falls at `endAt` (the end of Online Retail). Every gap between events stays
 * as it was; only the calendar moves: the modeling service's segments follow event time, and
 * August 2022 after December 2011 would age every Online Retail customer by eleven years. Article
 * ids get an `otto-` prefix so they never meet Online Retail's stock codes (also numbers) in the
 * shared recommendation model.
 */
export async function loadOttoCalls(opts: { dataDir?: string; endAt: Date }): Promise<OttoCalls> {
  const calls: SegmentTrackCall[] = [];
  let sessions = 0;
  for await (const session of readOttoSessions(opts.dataDir ? { dataDir: opts.dataDir } : {})) {
    sessions += 1;
    calls.push(...mapOttoSession(session));
  }
  if (calls.length === 0) return { sessions, calls: [] };
  const last = Math.max(...calls.map((c) => c.timestamp.getTime()));
  const shift = opts.endAt.getTime() - last;
  const shifted = calls.map((c) => ({
    ...c,
    timestamp: new Date(c.timestamp.getTime() + shift),
    properties: prefixProducts(c.properties),
  }));
  shifted.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
  return { sessions, calls: shifted };
}

function prefixProducts(properties: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...properties };
  if (typeof out['product_id'] === 'string') out['product_id'] = `otto-${out['product_id']}`;
  const products = out['products'];
  if (Array.isArray(products)) {
    out['products'] = products.map((p: unknown) =>
      p && typeof p === 'object' && typeof (p as Record<string, unknown>)['product_id'] === 'string'
        ? { ...p, product_id: `otto-${(p as Record<string, unknown>)['product_id'] as string}` }
        : p,
    );
  }
  return out;
}

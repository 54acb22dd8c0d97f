import { basename, dirname, resolve } from 'node:path';
import { type BadLine, readOttoSessions } from '@pulse/datasets';
import type { ReplayInteraction } from '@pulse/modeling';
import { RecordSorter } from './external-sort.js';
import { KINDS, type ReplaySource } from './replay-source.js';

const KIND_CODE = { clicks: 0, carts: 1, orders: 2 } as const;

/**
 * OTTO sessions (one JSON line per session, events in time order within it) replayed in global time
 * order. Sessions interleave in time, so the events go through an external sort keyed by (ts, session,
 * position): memory holds a chunk of events, never the file. Each record carries whether it is its
 * session's last event, known from the line, so the evaluation can drop the session's state there.
 */
export function ottoSource(
  file: string,
  onBadLine: (bad: BadLine) => void,
  options: { chunkRecords?: number } = {},
): ReplaySource {
  let bad = 0;
  const path = resolve(file);
  async function* interactions(): AsyncGenerator<ReplayInteraction> {
    const sorter = new RecordSorter({ width: 6, keyColumns: 3, ...options });
    const record = new Float64Array(6);
    for await (const session of readOttoSessions({
      dataDir: dirname(path),
      file: basename(path),
      onBadLine: (b) => {
        bad += 1;
        onBadLine(b);
      },
    })) {
      const last = session.events.length - 1;
      for (let i = 0; i <= last; i++) {
        const e = session.events[i]!;
        record[0] = e.ts;
        record[1] = session.session;
        record[2] = i;
        record[3] = e.aid;
        record[4] = KIND_CODE[e.type];
        record[5] = i === last ? 1 : 0;
        await sorter.push(record);
      }
    }
    for await (const r of sorter.sorted()) {
      yield {
        ts: r[0]!,
        session: String(r[1]),
        item: String(r[3]),
        kind: KINDS[r[4]!]!,
        last: r[5] === 1,
      };
    }
  }
  return { name: `OTTO sessions ${basename(path)}`, interactions: interactions(), badLines: () => bad };
}

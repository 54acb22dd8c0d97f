import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { queryRows } from '@pulse/clickhouse';
import { topicNames } from '@pulse/kafka';
import { recordsBehind } from './bench-env.js';
import { loadAverage, queryStored, withLoadPipeline } from './bench-pipeline.js';
import { lastLine, spawnNode } from './child-service.js';
import { readTrimFigures, sampleHeap } from './heap-sampler.js';
import type { Capacity } from './load-settings.js';
import { type RssPoint, rssGrowth } from './rss-growth.js';
import { sampleRss } from './rss-sampler.js';
import { readServiceFigures } from './service-figures.js';

export interface SoakOptions {
  /** The pipeline's measured capacity; the soak runs at half of it. */
  capacity: Capacity;
  /** The measured run, after SOAK_WARM_UP_S of the same load. */
  seconds: number;
  /** Where to write every reading (seconds, MB per service), to see the shape behind the slope. */
  seriesFile?: string;
}

/**
 * Load before the measured run: code compiled, caches and pools filled, V8's heap limits and the
 * allocators' arenas settled at what the load needs. In the soaks of 2026-12-07 the modeling
 * worker's RSS rose for its first four to five minutes (439 to 513 MB: V8's reserved heap 113 to
 * 145, glibc's arenas' free memory 42 to 67) and then stayed within 506 to 520 MB for the six
 * minutes left; a one-minute warm-up measured that rise as growth. The measured run still lasts
 * its full `seconds` after it, so a leak has as long to show.
 */
export const SOAK_WARM_UP_S = 300;
const SAMPLE_EVERY_MS = 5000;

/**
 * Memory over a long steady load: collector, ingest, modeling and trigger
 * each in its own process, a load generator paced at half the measured
 * end-to-end capacity for SOAK_WARM_UP_S and then `seconds`. Each service's
 * RSS is read every 5 s; its growth is the Theil–Sen slope of the readings
 * after the warm-up times the time they span (see rssGrowth). Afterwards ingest drains and the
 * rows are counted against what the collector acknowledged.
 */
export async function benchSoak(base: Record<string, string | undefined>, o: SoakOptions) {
  const rate = Math.max(1, Math.round(o.capacity.eventsPerS / 2));
  return withLoadPipeline('soak', base, async (p) => {
    const pids = Object.fromEntries(p.services.map((s) => [s.name, s.child.pid ?? 0]));
    const generator = spawnNode(
      'packages/cli/src/bench/load-generator.ts',
      [
        p.collectorUrl,
        'bench-key',
        String(rate * (SOAK_WARM_UP_S + o.seconds)),
        '100',
        '16',
        p.run.id,
        String(rate),
      ],
      {},
    );
    const sampler = sampleRss(pids, SAMPLE_EVERY_MS);
    const heapSampler = sampleHeap(p.services, SAMPLE_EVERY_MS);
    let generated: string;
    try {
      generated = await lastLine(generator);
    } finally {
      sampler.stop();
      heapSampler.stop();
    }
    const readings = sampler.stop();
    const heap = heapSampler.stop();
    // Per service, each part of its memory: anonymous and file-backed pages, V8 heap used, reserved, external.
    const parts: Record<string, Record<string, RssPoint[]>> = {};
    for (const [name, p] of Object.entries(sampler.parts())) parts[name] = { ...p, ...heap[name] };
    if (o.seriesFile) {
      const flat = Object.entries(parts).flatMap(([name, series]) =>
        Object.entries(series).map(([part, points]) => [`${name}_${part}`, points] as const),
      );
      writeRssSeries(o.seriesFile, { ...readings, ...Object.fromEntries(flat) });
    }
    const gen = JSON.parse(generated) as {
      accepted: number;
      seconds: number;
      statuses: Record<string, number>;
    };
    const events = topicNames(p.run.prefix).events;
    const endLag = {
      ingest: await recordsBehind(p.run.kafka, p.groups.ingest, events),
      modeling: await recordsBehind(p.run.kafka, p.groups.modeling, events),
      trigger: await recordsBehind(p.run.kafka, p.groups.trigger, events),
    };
    const load = loadAverage();
    const trims = await readTrimFigures(p.services);
    const cpu = await readServiceFigures(p.services, {
      seconds: { metric: 'pulse_process_cpu_seconds_total' },
    });
    await p.drainAndStop(300_000);
    const stored = await queryStored(p.run, async (client, table) => {
      const [row] = await queryRows<{ n: string }>(client, `SELECT uniqExact(message_id) AS n FROM ${table}`);
      return Number(row?.n ?? 0);
    });

    const growth = Object.fromEntries(
      Object.entries(readings).map(([name, points]) => [name, rssGrowth(points, SOAK_WARM_UP_S)]),
    );
    const perService = Object.fromEntries(
      Object.entries(growth).map(([name, g]) => [`soak_rss_growth_mb_${name}`, g.growthMb]),
    );
    // Where each service's growth sits: anonymous or file-backed pages; of the anonymous, the V8
    // heap in use, the heap V8 reserved, memory held outside it (Buffers), and in the embedded
    // ClickHouse's hosts glibc's arenas (in use, and freed but kept). The rest is other native
    // memory: thread stacks, V8's code.
    return {
      soak_rss_growth_mb: Math.max(...Object.values(growth).map((g) => g.growthMb)),
      ...perService,
      soak_growth_parts_mb: Object.fromEntries(
        Object.entries(parts).map(([name, series]) => [name, growthOfParts(series)]),
      ),
      soak_rss_mb: Object.fromEntries(
        Object.entries(growth).map(([name, g]) => [
          name,
          {
            after_warm_up: g.afterWarmUpMb,
            end: g.endMb,
            peak: g.peakMb,
            end_minus_start: g.endMinusStartMb,
            samples: g.samples,
          },
        ]),
      ),
      // How often each process gave freed native memory back, and its longest trim (ms).
      soak_native_trims: trims,
      // What each process spent of the CPU from its start to the end of the load (the price of a
      // setting that trades memory for collections, such as the modeling worker's heap growth cap).
      soak_cpu_seconds: Object.fromEntries(Object.entries(cpu).map(([name, f]) => [name, f.seconds])),
      soak_seconds: o.seconds,
      soak_warm_up_seconds: SOAK_WARM_UP_S,
      soak_target_events_per_s: rate,
      soak_capacity_from: o.capacity.from,
      soak_events_per_s: Math.round(gen.accepted / gen.seconds),
      soak_acknowledged: gen.accepted,
      soak_stored: stored,
      soak_all_stored: stored === gen.accepted,
      soak_http_statuses: gen.statuses,
      soak_end_lag_records: endLag,
      soak_load_average: load,
    };
  });
}

/** Growth (MB) of each series with enough readings after the warm-up. */
function growthOfParts(series: Record<string, RssPoint[]>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(series)
      .filter(([, points]) => points.filter((pt) => pt.t >= SOAK_WARM_UP_S).length >= 3)
      .map(([name, points]) => [name, rssGrowth(points, SOAK_WARM_UP_S).growthMb]),
  );
}

/** `{ service: [[seconds, MB], ...] }`, one reading per line of the file. */
function writeRssSeries(file: string, readings: Record<string, RssPoint[]>): void {
  mkdirSync(dirname(file), { recursive: true });
  const series = Object.entries(readings).map(
    ([name, points]) =>
      `  ${JSON.stringify(name)}: [\n${points
        .map((p) => `    [${p.t.toFixed(1)}, ${(p.bytes / 1048576).toFixed(1)}]`)
        .join(',\n')}\n  ]`,
  );
  writeFileSync(file, `{\n${series.join(',\n')}\n}\n`);
}

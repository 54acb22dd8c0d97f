import { readFileSync } from 'node:fs';
import { PulseError } from '@pulse/common';
import type { RssPoint } from './rss-growth.js';

/**
 * A process's resident set size from /proc/<pid>/status (what prom-client's
 * process_resident_memory_bytes reads too, without asking a busy service
 * over HTTP); undefined once the process is gone.
 */
export function residentBytes(pid: number): number | undefined {
  return residentParts(pid)?.rss;
}

/**
 * The RSS and its two parts: anonymous pages (heaps, malloc arenas, buffers: what a leak grows) and
 * file-backed ones (code of node and the embedded ClickHouse library, paged in as it first runs and
 * bounded by the files' size).
 */
export function residentParts(pid: number): { rss: number; anon: number; file: number } | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  const rss = kb('VmRSS');
  return Number.isNaN(rss) ? undefined : { rss, anon: kb('RssAnon'), file: kb('RssFile') };
}

export interface RssSampler {
  /** Takes a last reading and stops (once; later calls only return them): the readings per process name. */
  stop(): Record<string, RssPoint[]>;
  /** The same readings' parts, per process name: `anon` and `file` (see residentParts). */
  parts(): Record<string, { anon: RssPoint[]; file: RssPoint[] }>;
}

/** Reads each process's RSS now and every `everyMs`, with `t` in seconds from now. */
export function sampleRss(pids: Record<string, number>, everyMs: number): RssSampler {
  if (residentBytes(process.pid) === undefined) {
    throw new PulseError(
      'PULSE_BENCH_UNSUPPORTED',
      'the soak bench reads memory from /proc/<pid>/status: run it on Linux',
    );
  }
  const started = performance.now();
  const points: Record<string, RssPoint[]> = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  const parts: Record<string, { anon: RssPoint[]; file: RssPoint[] }> = Object.fromEntries(
    Object.keys(pids).map((name) => [name, { anon: [], file: [] }]),
  );
  const read = () => {
    const t = (performance.now() - started) / 1000;
    for (const [name, pid] of Object.entries(pids)) {
      const r = residentParts(pid);
      if (r === undefined) continue;
      points[name]?.push({ t, bytes: r.rss });
      if (!Number.isNaN(r.anon)) parts[name]?.anon.push({ t, bytes: r.anon });
      if (!Number.isNaN(r.file)) parts[name]?.file.push({ t, bytes: r.file });
    }
  };
  read();
  let timer: NodeJS.Timeout | undefined = setInterval(read, everyMs);
  return {
    stop() {
      if (timer !== undefined) {
        clearInterval(timer);
        timer = undefined;
        read();
      }
      return points;
    },
    parts: () => parts,
  };
}

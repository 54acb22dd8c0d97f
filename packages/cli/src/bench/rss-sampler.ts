import { readFileSync } from 'node:fs';
import { PulseError } from '@pulse/common';
import type { RssPoint } from './rss-growth.js';

/**
 * A process's resident set size from /proc/<pid>/status (what prom-client's
 * process_resident_memory_bytes reads too, without asking a busy service
 * over HTTP); undefined once the process is gone.
 */
export function residentBytes(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  return kb === undefined ? undefined : Number(kb) * 1024;
}

export interface RssSampler {
  /** Takes a last reading and stops (once; later calls only return them): the readings per process name. */
  stop(): Record<string, RssPoint[]>;
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
  const read = () => {
    const t = (performance.now() - started) / 1000;
    for (const [name, pid] of Object.entries(pids)) {
      const bytes = residentBytes(pid);
      if (bytes !== undefined) points[name]?.push({ t, bytes });
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
  };
}

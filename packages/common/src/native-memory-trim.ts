import { createRequire } from 'node:module';

/**
 * The embedded engine allocates from glibc's malloc on many threads (a pool of
 * ~200 in a busy process), and glibc keeps what they free: in 10-minute soaks
 * one malloc_trim(0) from a debugger gave 160 MB of ingest and 89 MB of
 * modeling back. glibc only returns memory at the top of a heap by itself;
 * malloc_trim also releases free pages in the middle of every arena. So while
 * an embedded client is open, the process trims every `intervalMs`. Every 30 s
 * the memory kept by the arenas still grew (by 26-29 MB over a soak); every 5 s
 * it stayed flat (0.5 and 6.6 MB) and modeling's whole growth went from 73-148
 * MB to -3.
 */
export const NATIVE_TRIM_INTERVAL_MS = 5_000;

interface AsyncTrim {
  /** Runs malloc_trim on a libuv worker thread: the event loop never waits for it. */
  async(pad: number, done: (err: unknown, released: number) => void): void;
}

export interface NativeTrimStats {
  /** Whether malloc_trim was found (glibc); false until something held the trimmer, and elsewhere. */
  available: boolean;
  trims: number;
  /** Duration of the longest trim so far (ms), measured on its worker thread's completion. */
  longestMs: number;
}

/** glibc's own account of its arenas (mallinfo2), in bytes. */
export interface MallocStats {
  /** Allocated and not yet freed: what the process uses. */
  inUse: number;
  /** Freed into the arenas and kept there: what a trim can give back (in whole pages). */
  free: number;
  /** Large blocks mapped one by one, returned to the system when freed. */
  mmapped: number;
}

const require = createRequire(import.meta.url);
// undefined: not looked up yet; null: no glibc here (musl, macOS) or no FFI for this platform.
let trimFn: AsyncTrim | null | undefined;
let mallinfo: (() => Record<string, number>) | undefined;
let holders = 0;
let timer: NodeJS.Timeout | undefined;
let running = false;
const stats: NativeTrimStats = { available: false, trims: 0, longestMs: 0 };

function loadTrim(): AsyncTrim | null {
  if (trimFn !== undefined) return trimFn;
  try {
    const koffi = require('koffi') as typeof import('koffi');
    const libc = koffi.load('libc.so.6');
    trimFn = libc.func('int malloc_trim(size_t pad)') as unknown as AsyncTrim;
    const fields = [
      'arena',
      'ordblks',
      'smblks',
      'hblks',
      'hblkhd',
      'usmblks',
      'fsmblks',
      'uordblks',
      'fordblks',
      'keepcost',
    ];
    const struct = koffi.struct('mallinfo2', Object.fromEntries(fields.map((f) => [f, 'size_t'])));
    mallinfo = libc.func('mallinfo2', struct, []) as unknown as () => Record<string, number>;
  } catch {
    trimFn = null;
  }
  stats.available = trimFn !== null;
  return trimFn;
}

function trimNow(trim: AsyncTrim): void {
  // A trim still running (a busy arena's lock) is not queued behind by another.
  if (running) return;
  running = true;
  const started = performance.now();
  trim.async(0, () => {
    running = false;
    stats.trims += 1;
    stats.longestMs = Math.max(stats.longestMs, performance.now() - started);
  });
}

/**
 * Keeps the process trimming while at least one holder needs it (several
 * services in one process share one timer); returns the release. The timer
 * never keeps the process alive.
 */
export function holdNativeMemoryTrim(intervalMs = NATIVE_TRIM_INTERVAL_MS): () => void {
  const trim = loadTrim();
  if (trim === null || intervalMs <= 0) return () => {};
  holders += 1;
  if (holders === 1) {
    timer = setInterval(() => trimNow(trim), intervalMs);
    timer.unref();
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holders -= 1;
    if (holders === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

/**
 * glibc's arenas summed over all of them, where the trimmer was held (it never loads the FFI
 * itself); it walks the free lists of each arena under its lock, so it is for scrapes, not loops.
 */
export function mallocStats(): MallocStats | undefined {
  if (!mallinfo) return undefined;
  const m = mallinfo();
  return { inUse: Number(m['uordblks']), free: Number(m['fordblks']), mmapped: Number(m['hblkhd']) };
}

/** What the trimmer did in this process so far (it never loads the FFI itself). */
export function nativeTrimStats(): Readonly<NativeTrimStats> {
  return { ...stats };
}

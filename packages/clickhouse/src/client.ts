import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { type ClickHouseClient, createClient } from '@clickhouse/client';
import { holdNativeMemoryTrim } from '@pulse/common';
import { startEnginePurge } from './engine-purge.js';

// chdb is a native engine: it is loaded only when an embedded client is
// created, so that server mode, loadMigrations and type imports never load
// it (loading it in a worker thread crashes the process when the thread ends).
const require = createRequire(import.meta.url);

/**
 * Options of the embedded engine's own jemalloc (statically linked in libchdb, apart from Node's
 * glibc malloc), which it reads from JE_MALLOC_CONF once, when the library loads; an operator's own
 * JE_MALLOC_CONF wins. Built in is dirty_decay_ms:5000: pages the engine frees stay resident for
 * about 5 s in case it needs them again, and under a steady load what it kept crept up: in a
 * 10-minute soak at 10,258 events/s, the modeling worker's jemalloc (which has no purge timer) held
 * 50 MB resident at first and 90-106 MB at the end while it had 36-38 MB allocated throughout; its
 * resident memory grew by 37 MB, ingest's by 34. With 1 s, in the next soak: -0.2 and -17 MB.
 */
export const EMBEDDED_ENGINE_MALLOC_CONF = 'dirty_decay_ms:1000';

function loadNative<T>(id: 'chdb' | 'chdb/connection'): T {
  process.env.JE_MALLOC_CONF ??= EMBEDDED_ENGINE_MALLOC_CONF;
  return require(id) as T;
}
const loadChdbConnection = () => loadNative<typeof import('chdb/connection')>('chdb/connection');
const loadChdb = () => loadNative<typeof import('chdb')>('chdb');

/**
 * Server settings of the embedded engine, given when a process first opens its data directory.
 * ClickHouse's defaults are a dedicated server's; here the engine shares two cores with the service
 * that hosts it and with Kafka, so its background merges run at nice 10: they still get every idle
 * cycle, but an HTTP request or a Kafka batch no longer waits behind them.
 * Outdated parts are removed by a pool of up to 128 threads once more than 100 are due at a time
 * (merges and the modeling worker's checkpoint deletes make that many within the 8 minutes a part is
 * kept): the engine's thread pool then grew from about 35 to 160 threads, which stay idle with
 * their allocator caches for the life of the process. Two threads still clear them: in the
 * integration test, hundreds of outdated parts were gone within its 60 s wait.
 */
export const EMBEDDED_ENGINE_ARGS: readonly string[] = [
  '--os_threads_nice_value_merge_mutate=10',
  '--max_parts_cleaning_thread_pool_size=2',
];

export type { ClickHouseClient } from '@clickhouse/client';

type ClientConnection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>['connection']>;

export interface ClickHouseConfig {
  /** A server's HTTP URL; when absent, the embedded chdb engine is used. */
  url?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** Database that holds Pulse's tables. */
  database: string;
  /** Data directory of the embedded engine; one process owns one. */
  chdbPath: string;
  /** With the embedded engine: how often the process gives freed native memory back (ms; 0: never). */
  nativeTrimIntervalMs?: number | undefined;
  /** With the embedded engine: how often its jemalloc's dirty pages are purged (startEnginePurge; ms; 0 or absent: never). */
  enginePurgeIntervalMs?: number | undefined;
  /**
   * With the embedded engine: its server settings as `clickhouse local` arguments (default
   * EMBEDDED_ENGINE_ARGS). The first client of a data directory in a process decides them.
   */
  engineArgs?: readonly string[] | undefined;
}

export function clickhouseMode(config: ClickHouseConfig): 'server' | 'embedded' {
  return config.url ? 'server' : 'embedded';
}

/**
 * One @clickhouse/client for both modes: HTTP against a server when a URL is
 * configured, otherwise the in-process chdb engine behind the same API, so
 * the rest of Pulse never knows which one it talks to.
 */
export function createClickHouse(config: ClickHouseConfig): ClickHouseClient {
  if (config.url) {
    return createClient({
      url: config.url,
      username: config.username ?? 'default',
      password: config.password ?? '',
      request_timeout: 60_000,
      compression: { request: false, response: true },
    });
  }
  // The connection factory takes a path only: a session opened first with the settings starts the
  // process's engine for that directory, and the connection shares it. Held until the client closes.
  const settings = new (loadChdb().Session)(config.chdbPath, {
    connectionArgs: [...(config.engineArgs ?? EMBEDDED_ENGINE_ARGS)],
  });
  // chdb types the connection against its own copy of @clickhouse/client-common;
  // the shapes are the same contract, the declarations are not.
  let chdb: ChdbConnection;
  try {
    chdb = loadChdbConnection().createChdbConnection({ path: config.chdbPath });
  } catch (err) {
    // Nothing will close the settings' session if the client is never made: let the engine go now.
    settings.close();
    throw err;
  }
  const client = createClient({ connection: chdb as unknown as ClientConnection });
  embedded.set(client, chdb);
  const release = holdNativeMemoryTrim(config.nativeTrimIntervalMs);
  const stopPurge = startEnginePurge(client, config.enginePurgeIntervalMs ?? 0);
  const close = client.close.bind(client);
  client.close = async () => {
    release();
    await stopPurge();
    try {
      await close();
    } finally {
      settings.close();
    }
  };
  return client;
}

type ChdbConnection = ReturnType<ReturnType<typeof loadChdbConnection>['createChdbConnection']>;
const embedded = new WeakMap<ClickHouseClient, ChdbConnection>();

/** Whether a client talks to the in-process engine (not to a server over HTTP). */
export function isEmbedded(client: ClickHouseClient): boolean {
  return embedded.has(client);
}

export type InsertSettings = Record<string, string | number | boolean>;

/**
 * Inserts a JSONEachRow body (one JSON object per line) as it is. On the
 * embedded engine the string goes to chdb's raw insert, which hands it to
 * the engine without another copy (about a third less CPU per row than the
 * Connection's exec path); on a server it streams over HTTP.
 */
export async function insertJsonEachRow(
  client: ClickHouseClient,
  table: string,
  body: string,
  settings: InsertSettings,
): Promise<void> {
  const chdb = embedded.get(client);
  if (chdb) {
    await chdb.chdb.rawInsert({ table, values: body, format: 'JSONEachRow', settings });
    return;
  }
  const result = await client.exec({
    query: `INSERT INTO ${table} FORMAT JSONEachRow`,
    values: Readable.from([body], { objectMode: false }),
    clickhouse_settings: settings,
  });
  result.stream.resume();
}

/** Runs a query and returns its rows as objects. */
export async function queryRows<T>(
  client: ClickHouseClient,
  query: string,
  params?: Record<string, unknown>,
): Promise<T[]> {
  const rs = await client.query({
    query,
    format: 'JSONEachRow',
    ...(params ? { query_params: params } : {}),
  });
  return rs.json<T>();
}

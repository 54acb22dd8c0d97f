import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { errorMessage, sleep } from '@pulse/common';
import { topicNames } from '@pulse/kafka';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type ChildService, spawnService, stopService } from '../support/child.js';
import { basicAuth, WRITE_KEY } from '../support/collector.js';
import { getCollector } from '../support/http.js';
import { BROKERS, uniqueName } from '../support/ids.js';
import { deleteTopics, readStoredEvents, testKafka } from '../support/kafka.js';

// Hostile and broken bodies against a real collector (its own process, as in
// production, with IP anonymisation, trait hashing and consent on) and Kafka:
// every answer is a 2xx or a 4xx with a JSON reason (never a 5xx, never a
// dropped socket), the process keeps serving in bounded memory, nothing
// pollutes Object.prototype, and of mixed batches exactly the valid events
// reach Kafka, each once. The bodies come from a seeded generator:
// PULSE_FUZZ_SEED replays a run.

const SEED = Number(process.env['PULSE_FUZZ_SEED'] ?? 20_251_123);
const MIXED_KEY = 'fuzz-mixed-key';
const RANDOM_CASES = 480;
const MIXED_BATCHES = 60;
const CONCURRENCY = 4;
const MAX_RSS_GROWTH = 200 * 1024 * 1024;
const HEAP_MB = 192;
const GUARD = join(import.meta.dirname, 'collector-fuzz-guard.mjs');

const prefix = uniqueName('fault-fuzz');
const kafka = testKafka();
let child: ChildService;
let url: string;

beforeAll(async () => {
  child = spawnService('services/collector/src/main.ts', {
    // A heap of HEAP_MB makes "bounded memory" a hard check: a request that held a bomb, a huge body or
    // a million rejections whole would end the process (heap out of memory), not just raise a figure.
    NODE_OPTIONS: `--import=${GUARD} --max-old-space-size=${HEAP_MB}`,
    COLLECTOR_HOST: '127.0.0.1',
    COLLECTOR_PORT: '0',
    COLLECTOR_LOG_LEVEL: 'info',
    KAFKA_BROKERS: BROKERS.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    PULSE_WRITE_KEYS: `${WRITE_KEY}:chaos,${MIXED_KEY}:mixed`,
    // Rate limits have their own tests; here every body must reach the code that reads it.
    COLLECTOR_RATE_LIMIT_PER_SOURCE: '0',
    COLLECTOR_ANONYMIZE_IP: 'true',
    COLLECTOR_HASH_TRAITS: 'email,phone',
    COLLECTOR_CONSENT_REQUIRED_CATEGORY: 'analytics',
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const port = /"port":(\d+)[^\n]*"collector listening"/.exec(child.output())?.[1];
    if (port) {
      url = `http://127.0.0.1:${port}`;
      break;
    }
    if (child.process.exitCode !== null || Date.now() > deadline) {
      throw new Error(`collector did not start:\n${child.output()}`);
    }
    await sleep(100);
  }
});

afterAll(async () => {
  if (child) await stopService(child, 'SIGTERM');
  await deleteTopics(kafka, prefix);
});

/** Resident and peak resident memory of the collector process, from the kernel. */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}

const rnd = prng(SEED);

interface Case {
  name: string;
  path: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  key?: string;
}

/** What an answer said, without its body (a hostile request's answer is not kept whole). */
interface Answer {
  name: string;
  status: number;
  /** 4xx: the body is JSON with success false, an error code and a reason (or the refused events). */
  reasoned: boolean;
  accepted?: number;
  /** The batch positions the answer refused. */
  rejectedIndexes?: number[];
  /** The start of the body, for failure messages. */
  excerpt: string;
  /** Why no answer came (socket closed, timeout). */
  failure?: string;
}

interface RefusalBody {
  success?: unknown;
  error?: unknown;
  reason?: unknown;
  accepted?: unknown;
  rejected?: Array<{ index?: unknown }>;
}

async function send(c: Case): Promise<Answer> {
  try {
    const res = await fetch(`${url}${c.path}`, {
      method: 'POST',
      headers: { authorization: basicAuth(c.key ?? WRITE_KEY), 'content-type': 'text/plain', ...c.headers },
      body: c.body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: RefusalBody | undefined;
    try {
      body = JSON.parse(text) as RefusalBody;
    } catch {}
    const reasoned =
      typeof body === 'object' &&
      body !== null &&
      body.success === false &&
      typeof body.error === 'string' &&
      (typeof body.reason === 'string' || (Array.isArray(body.rejected) && body.rejected.length > 0));
    return {
      name: c.name,
      status: res.status,
      reasoned,
      ...(typeof body?.accepted === 'number' ? { accepted: body.accepted } : {}),
      ...(Array.isArray(body?.rejected)
        ? { rejectedIndexes: [...new Set(body.rejected.map((r) => Number(r.index)))] }
        : {}),
      excerpt: text.slice(0, 300),
    };
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    return {
      name: c.name,
      status: 0,
      reasoned: false,
      excerpt: '',
      failure: `${errorMessage(err)} ${cause ? errorMessage(cause) : ''}`,
    };
  }
}

/** Makes and sends the cases `CONCURRENCY` at a time; a case is built when its turn comes, so few bodies exist at once. */
async function sendAll(cases: Array<() => Case>): Promise<Answer[]> {
  const answers: Answer[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      answers[i] = await send(cases[i]!());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return answers;
}

let serial = 0;
const now = () => new Date().toISOString();
const validTrack = (id = `chaos-${serial++}`) => ({
  type: 'track',
  event: 'Product Viewed',
  userId: `user-${rnd.int(20)}`,
  messageId: id,
  timestamp: now(),
  properties: { product_id: `p-${rnd.int(1000)}`, price: rnd.int(10_000) / 100 },
  context: { ip: '203.0.113.9', page: { url: 'https://shop.example/p' } },
});

/** Gzip members can be concatenated; gunzip reads them as one stream. 1 GB of zeros costs ~1 MB. */
function gzipZerosMembers(megabytes: number): Buffer {
  const member = gzipSync(Buffer.alloc(1024 * 1024));
  return Buffer.concat(Array.from({ length: megabytes }, () => member));
}

const WRONG_VALUES: unknown[] = [
  null,
  0,
  -1.5,
  1e308,
  true,
  false,
  '',
  ' ',
  'x'.repeat(300),
  [],
  [1, 'a', null],
  {},
  { nested: { deeper: [] } },
  '2999-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  'not a date',
  '\u0000\u202e',
];

const FIELDS = [
  'type',
  'messageId',
  'userId',
  'anonymousId',
  'timestamp',
  'originalTimestamp',
  'sentAt',
  'context',
  'integrations',
  'event',
  'name',
  'category',
  'properties',
  'traits',
  'groupId',
  'previousId',
  'writeKey',
  'batch',
];

const ENDPOINTS = [
  '/v1/batch',
  '/v1/track',
  '/v1/identify',
  '/v1/page',
  '/v1/group',
  '/v1/alias',
  '/v1/b',
  '/v1/t',
];

function malformed(): Case {
  const source = JSON.stringify({ batch: [validTrack(), validTrack()] });
  const chars = [...source];
  const edits = 1 + rnd.int(8);
  for (let i = 0; i < edits; i++) {
    const at = rnd.int(chars.length);
    const op = rnd.int(3);
    const noise = rnd.pick(['{', '}', '[', ']', '"', ',', ':', '\\', 'u', '\n', 'null', '-', 'e', '0']);
    if (op === 0) chars.splice(at, 1);
    else if (op === 1) chars.splice(at, 0, noise);
    else chars[at] = noise;
  }
  return { name: 'malformed JSON', path: rnd.pick(ENDPOINTS), body: chars.join('') };
}

function truncated(): Case {
  const source = JSON.stringify({ batch: [validTrack(), validTrack(), validTrack()] });
  return { name: 'truncated JSON', path: '/v1/batch', body: source.slice(0, 1 + rnd.int(source.length - 1)) };
}

function invalidUtf8(): Case {
  const text = Buffer.from(JSON.stringify({ batch: [validTrack()] }));
  const at = text.indexOf('Product') + rnd.int(7);
  const bad = rnd.pick([
    [0xff],
    [0xc3, 0x28],
    [0xed, 0xa0, 0x80],
    [0xc0, 0xaf],
    [0xe2, 0x82],
    [0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
  ]);
  return {
    name: 'invalid UTF-8',
    path: '/v1/batch',
    body: Buffer.concat([text.subarray(0, at), Buffer.from(bad), text.subarray(at)]),
  };
}

function wrongTypes(): Case {
  const event: Record<string, unknown> = validTrack();
  const fields = 1 + rnd.int(3);
  for (let i = 0; i < fields; i++) event[rnd.pick(FIELDS)] = rnd.pick(WRONG_VALUES);
  const batch = rnd.next() < 0.5;
  const envelope: Record<string, unknown> = { batch: [event] };
  if (batch && rnd.next() < 0.3)
    envelope[rnd.pick(['context', 'integrations', 'sentAt', 'batch'])] = rnd.pick(WRONG_VALUES);
  return {
    name: 'wrong types',
    path: batch ? '/v1/batch' : '/v1/track',
    body: JSON.stringify(batch ? envelope : event),
  };
}

/** Keys that turn into prototype writes when code assigns them naively. */
function prototypeKeys(): Case {
  const where = rnd.pick(['top', 'properties', 'traits', 'context', 'envelope', 'context.traits']);
  const evil =
    '{"__proto__": {"polluted": "yes", "isAdmin": true}, "constructor": {"prototype": {"polluted": "yes"}}, "prototype": {"polluted": "yes"}}';
  const base = JSON.stringify({ ...validTrack(), type: 'identify', traits: { plan: 'pro' } });
  const body =
    where === 'top'
      ? `${base.slice(0, -1)}, "__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}`
      : where === 'envelope'
        ? `{"batch": [${base}], "__proto__": {"polluted": "yes"}, "context": ${evil}}`
        : where === 'context.traits'
          ? base.replace('"context":{', `"context":{"traits": ${evil},`)
          : base.replace(`"${where}":{`, `"${where}": {"x": ${evil}, "__proto__": ${evil},`);
  return {
    name: `__proto__ keys in ${where}`,
    path: where === 'envelope' ? '/v1/batch' : '/v1/identify',
    body,
  };
}

function deepNesting(): Case {
  const depth = 10_000;
  const shape = rnd.int(4);
  const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  const body =
    shape === 0
      ? arrays
      : shape === 1
        ? JSON.stringify({ ...validTrack(), properties: 'X' }).replace('"X"', arrays)
        : shape === 2
          ? `{"batch": [${JSON.stringify({ ...validTrack(), context: 'X' }).replace('"X"', objects)}]}`
          : `{"batch": ${arrays}}`;
  return { name: `nesting ${depth} deep (${shape})`, path: shape === 1 ? '/v1/track' : '/v1/batch', body };
}

function hugeString(): Case {
  const mb = 1 + rnd.int(5);
  const text = JSON.stringify({
    batch: [{ ...validTrack(), properties: { blob: 'y'.repeat(mb * 1024 * 1024) } }],
  });
  const gzip = rnd.next() < 0.6;
  return {
    name: `${mb} MB string${gzip ? ' (gzip)' : ''}`,
    path: '/v1/batch',
    body: gzip ? gzipSync(text) : text,
    ...(gzip ? { headers: { 'content-encoding': 'gzip' } } : {}),
  };
}

function hugeArray(): Case {
  const item = rnd.pick(['0', '{}', 'null', '[]', JSON.stringify(validTrack('dup-id'))]);
  const gzip = rnd.next() < 0.5;
  const limit = gzip ? 2_000_000 : 500_000;
  const count = Math.floor(limit / (item.length + 1)) - 2;
  const text = `{"batch": [${new Array(count).fill(item).join(',')}]}`;
  return {
    name: `array of ${count} × ${item.slice(0, 10)}${gzip ? ' (gzip)' : ''}`,
    path: '/v1/batch',
    body: gzip ? gzipSync(text) : text,
    ...(gzip ? { headers: { 'content-encoding': 'gzip' } } : {}),
  };
}

function oversizeBatch(): Case {
  const events = Array.from({ length: 700 + rnd.int(500) }, () => ({
    ...validTrack(),
    properties: { pad: 'z'.repeat(800) },
  }));
  return { name: 'oversize batch', path: '/v1/batch', body: JSON.stringify({ batch: events }) };
}

function timestamps(): Case {
  const t = rnd.pick([
    '0001-01-01T00:00:00Z',
    '1900-01-01T00:00:00.000Z',
    '1999-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59.999Z',
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    new Date(Date.now() + 3 * 86_400_000).toISOString(),
    '2024-02-30T00:00:00Z',
    '2024-01-01T25:61:61Z',
    String(Date.now()),
  ]);
  const field = rnd.pick(['timestamp', 'sentAt', 'originalTimestamp']);
  return { name: `${field} ${t}`, path: '/v1/track', body: JSON.stringify({ ...validTrack(), [field]: t }) };
}

/** What the privacy settings read: context.ip, consent and the hashed traits, in every wrong shape. */
function privacyShapes(): Case {
  const event: Record<string, unknown> = { ...validTrack(), type: 'identify' };
  const context: Record<string, unknown> = {
    ip: rnd.pick([...WRONG_VALUES, '::ffff:1.2.3.4', 'fe80::1%eth0', '1.2.3.4, 5.6.7.8', '999.1.1.1', ':::']),
    consent: rnd.pick([
      ...WRONG_VALUES,
      { categoryPreferences: rnd.pick(WRONG_VALUES) },
      { categoryPreferences: { analytics: rnd.pick(WRONG_VALUES), Analytics: rnd.pick(WRONG_VALUES) } },
    ]),
    traits: rnd.pick([...WRONG_VALUES, { email: rnd.pick(WRONG_VALUES), phone: rnd.pick(WRONG_VALUES) }]),
  };
  event['context'] = context;
  event['traits'] = { email: rnd.pick(WRONG_VALUES), Phone: rnd.pick(WRONG_VALUES), plan: 'pro' };
  return { name: 'privacy shapes', path: '/v1/identify', body: JSON.stringify(event) };
}

function garbage(): Case {
  const bytes = Buffer.alloc(1 + rnd.int(2000));
  for (let i = 0; i < bytes.length; i++) bytes[i] = rnd.int(256);
  const encoding = rnd.pick(['identity', 'gzip', 'deflate', 'br', 'gzip, gzip']);
  return {
    name: `random bytes (${encoding})`,
    path: rnd.pick(ENDPOINTS),
    body: bytes,
    headers: { 'content-encoding': encoding },
  };
}

const GENERATORS = [
  malformed,
  truncated,
  invalidUtf8,
  wrongTypes,
  prototypeKeys,
  deepNesting,
  hugeString,
  hugeArray,
  oversizeBatch,
  timestamps,
  privacyShapes,
  garbage,
];

const TOO_LARGE = (e: Record<string, unknown>) => {
  e['properties'] = { blob: 'q'.repeat(40_000) };
};

/** Events the contract refuses, each for one reason; they carry a messageId so Kafka can be searched for them. */
const INVALID_MUTATIONS: Array<(e: Record<string, unknown>) => void> = [
  (e) => delete e['event'],
  (e) => {
    delete e['userId'];
    delete e['anonymousId'];
  },
  (e) => (e['type'] = 'nonsense'),
  (e) => (e['type'] = 42),
  (e) => (e['timestamp'] = '1970-01-01T00:00:00.000Z'),
  (e) => (e['timestamp'] = '2999-01-01T00:00:00.000Z'),
  (e) => (e['timestamp'] = 'yesterday'),
  (e) => (e['properties'] = 'not an object'),
  (e) => (e['context'] = [1, 2]),
  (e) => (e['userId'] = { id: 1 }),
  (e) => (e['userId'] = true),
  (e) => (e['event'] = 'E'.repeat(1000)),
  (e) => (e['properties'] = { deep: JSON.parse(`${'{"a":'.repeat(40)}1${'}'.repeat(40)}`) as unknown }),
  TOO_LARGE,
  (e) => {
    e['event'] = 'Order Completed';
    e['properties'] = { order_id: 'o1', products: 'not a list' };
  },
];

interface Mixed {
  kase: Case;
  valid: string[];
  invalid: string[];
  invalidIndexes: number[];
  /** Valid events whose properties carry "__proto__" and "constructor" keys. */
  carriers: string[];
}

function mixedBatch(n: number): Mixed {
  const valid: string[] = [];
  const carriers: string[] = [];
  const invalid: string[] = [];
  const invalidIndexes: number[] = [];
  const events: unknown[] = [];
  const size = 2 + rnd.int(30);
  let blobs = 0;
  for (let i = 0; i < size; i++) {
    const bad = rnd.next() < 0.4;
    const id = `mix-${SEED}-${n}-${i}-${bad ? 'x' : 'v'}`;
    const event: Record<string, unknown> = validTrack(id);
    const carrier = rnd.next() < 0.2;
    if (carrier) {
      // Valid, with the keys that pollute prototypes when merged naively: stored as data.
      Object.assign(
        event,
        JSON.parse(
          '{"properties": {"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}}',
        ),
      );
    }
    if (bad) {
      let mutation = rnd.pick(INVALID_MUTATIONS);
      // At most a few 40 KB events, so the batch stays under the body limit and is answered per event.
      if (mutation === TOO_LARGE && ++blobs > 3) mutation = INVALID_MUTATIONS[0]!;
      mutation(event);
      invalid.push(id);
      invalidIndexes.push(i);
    } else {
      valid.push(id);
      if (carrier) carriers.push(id);
    }
    events.push(event);
  }
  return {
    kase: { name: 'mixed batch', path: '/v1/batch', body: JSON.stringify({ batch: events }), key: MIXED_KEY },
    valid,
    invalid,
    invalidIndexes,
    carriers,
  };
}

function checkAnswer(a: Answer): string | undefined {
  if (a.failure !== undefined) return `${a.name}: no answer (${a.failure})`;
  if (a.status >= 200 && a.status < 300) return undefined;
  if (a.status >= 500) return `${a.name}: ${a.status} ${a.excerpt}`;
  return a.reasoned ? undefined : `${a.name}: ${a.status} without a JSON reason: ${a.excerpt}`;
}

it(`survives hostile bodies (seed ${SEED})`, async () => {
  const bombs: Case[] = [
    {
      name: '1 GB gzip bomb',
      path: '/v1/batch',
      body: gzipZerosMembers(1024),
      headers: { 'content-encoding': 'gzip' },
    },
    {
      name: '400 MB gzip bomb under the wire limit',
      path: '/v1/batch',
      body: gzipZerosMembers(400),
      headers: { 'content-encoding': 'gzip' },
    },
    // Answered while still arriving: the collector drains the rest so the client reads its 413.
    { name: '12 MB body', path: '/v1/batch', body: Buffer.alloc(12 * 1024 * 1024, 'a') },
  ];
  const mixed = Array.from({ length: MIXED_BATCHES }, (_, n) => mixedBatch(n));
  const all: Array<() => Case> = [
    ...bombs.map((c) => () => c),
    ...Array.from({ length: RANDOM_CASES }, (_, i) => GENERATORS[i % GENERATORS.length]!),
  ];
  // Mixed batches go in among the hostile ones, so they are handled under the same pressure.
  const mixedThunks = mixed.map((m) => () => m.kase);
  for (const thunk of mixedThunks) all.splice(rnd.int(all.length + 1), 0, thunk);

  // Warmed up first, so the baseline is a serving collector, not a starting one.
  expect(
    (await send({ name: 'warm-up', path: '/v1/track', body: JSON.stringify(validTrack()) })).status,
  ).toBe(200);
  const pid = child.process.pid!;
  const baseline = memory(pid).rss;
  const answers = await sendAll(all);
  const { peak } = memory(pid);

  const problems = answers.map(checkAnswer).filter((p): p is string => p !== undefined);
  expect(problems, `seed ${SEED}`).toEqual([]);
  const statuses = (name: string) => answers.filter((a) => a.name.startsWith(name)).map((a) => a.status);
  expect(new Set(statuses('invalid UTF-8'))).toEqual(new Set([400]));
  expect(statuses('1 GB gzip bomb')).toEqual([413]);
  expect(statuses('400 MB gzip bomb')).toEqual([413]);
  expect(statuses('12 MB body')).toEqual([413]);
  expect(new Set(statuses('oversize batch'))).toEqual(new Set([413]));
  // The collector's own memory, and the few bodies in flight: a bomb or a million-item batch is never held whole.
  expect(peak - baseline, `RSS grew from ${baseline >> 20} MB to ${peak >> 20} MB`).toBeLessThan(
    MAX_RSS_GROWTH,
  );

  // Each mixed batch: 400 naming exactly its invalid events, or 200 when it had none.
  for (const [n, m] of mixed.entries()) {
    const a = answers[all.indexOf(mixedThunks[n]!)]!;
    if (m.invalid.length === 0) {
      expect(a.status, `seed ${SEED}`).toBe(200);
      continue;
    }
    expect(a.status, `seed ${SEED}: ${a.excerpt}`).toBe(400);
    expect(a.accepted).toBe(m.valid.length);
    expect(a.rejectedIndexes).toEqual(m.invalidIndexes);
  }

  // Still serving.
  expect((await getCollector(url, '/readyz')).status).toBe(200);
  const after = await send({
    name: 'after',
    path: '/v1/track',
    body: JSON.stringify(validTrack('after-fuzz')),
  });
  expect(after.status).toBe(200);

  // Kafka holds every valid event of the mixed batches exactly once, and none of the invalid ones.
  const stored = await readStoredEvents(kafka, topicNames(prefix).events);
  const mixedStored = stored.filter((m) => m.event.source_id === 'mixed');
  expect(mixedStored.map((m) => m.event.message_id).sort()).toEqual(mixed.flatMap((m) => m.valid).sort());
  expect(stored.filter((m) => m.event.message_id.endsWith('-x'))).toEqual([]);
  // The valid events that carried "__proto__" and "constructor" keys have them, as plain data.
  const carrierIds = new Set(mixed.flatMap((m) => m.carriers));
  const carriers = mixedStored.filter((m) => carrierIds.has(m.event.message_id));
  expect(carriers.length).toBe(carrierIds.size);
  expect(carriers.length).toBeGreaterThan(0);
  for (const { event } of carriers) {
    expect(Object.getOwnPropertyDescriptor(event.properties, '__proto__')?.value).toEqual({ polluted: 1 });
    expect(event.properties['constructor']).toEqual({ prototype: { polluted: 1 } });
  }

  // The collector stops cleanly, and nothing was added to its Object.prototype.
  expect(await stopService(child, 'SIGTERM')).toEqual({ code: 0, signal: null });
  expect(child.output()).toContain('PROTOTYPE CLEAN');
});

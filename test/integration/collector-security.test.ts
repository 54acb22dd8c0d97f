import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Collector } from '@pulse/collector';
import { sleep } from '@pulse/common';
import { topicNames } from '@pulse/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, startTestCollector } from '../support/collector.js';
import { getCollector, postCollector } from '../support/http.js';
import { tempDir, uniqueName } from '../support/ids.js';
import { deleteTopics, type ReadEvent, readStoredEvents, testKafka } from '../support/kafka.js';

// A live collector with a hashed keys file managed by `pnpm pulse keys`, rate
// limits, IP anonymisation, trait hashing and consent, against the shared broker.

const run = promisify(execFile);
const REPO = join(import.meta.dirname, '..', '..');
const RELOAD_MS = 200;

const prefix = uniqueName('it-collector-sec');
const topic = topicNames(prefix).events;
const kafka = testKafka();
const dir = tempDir('pulse-keys-it');
const keysFile = join(dir, 'write-keys.json');
let collector: Collector;
let webKey: string;

/** `pnpm pulse keys ...`, as an operator runs it. */
async function pulseKeys(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(
    process.execPath,
    ['--import', 'tsx', 'packages/cli/src/main.ts', 'keys', ...args, '--file', keysFile],
    {
      cwd: REPO,
      timeout: 60_000,
    },
  );
}

const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

beforeAll(async () => {
  webKey = (await pulseKeys('create', '--source', 'web')).stdout.trim();
  collector = await startTestCollector(prefix, {
    writeKeysFile: { path: keysFile, reloadMs: RELOAD_MS },
    // No default limit: a key's own rate from the file still applies.
    rateLimitPerSource: 0,
    privacy: {
      anonymizeIp: true,
      hashTraits: ['email', 'phone'],
      consent: { category: 'analytics', mode: 'opt-out' },
    },
  });
});

afterAll(async () => {
  await collector?.close();
  await deleteTopics(kafka, prefix);
  rmSync(dir, { recursive: true, force: true });
});

const withKey = (key: string) => ({ headers: { authorization: basicAuth(key) } });
const track = (messageId: string, context: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Viewed',
  userId: 'u1',
  messageId,
  context,
});

async function storedWithPrefix(idPrefix: string): Promise<ReadEvent[]> {
  return (await readStoredEvents(kafka, topic)).filter((m) => m.event.message_id.startsWith(idPrefix));
}

/** Posts until the answer has `status`, for at most `ms`; the last answer. */
async function until(status: number, ms: number, send: () => ReturnType<typeof postCollector>) {
  const deadline = Date.now() + ms;
  for (;;) {
    const res = await send();
    if (res.status === status || Date.now() > deadline) return res;
    await sleep(50);
  }
}

describe('write keys file', () => {
  it('stores only the digest of the key the CLI printed, and the collector accepts that key', async () => {
    expect(webKey).toMatch(/^pk_[\w-]{32}$/);
    const file = readFileSync(keysFile, 'utf8');
    expect(file).not.toContain(webKey);
    expect(file).toContain(createHash('sha256').update(webKey).digest('hex'));
    const res = await postCollector(collector.url, '/v1/track', track('key-1'), withKey(webKey));
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    // PULSE_WRITE_KEYS keys still work beside the file.
    expect((await postCollector(collector.url, '/v1/track', track('key-env'))).status).toBe(200);
    const stored = await storedWithPrefix('key-');
    expect(stored.map((m) => [m.event.message_id, m.event.source_id]).sort()).toEqual([
      ['key-1', 'web'],
      ['key-env', 'test-source'],
    ]);
  });

  it('takes a new key and a revocation without a restart, within the reload interval', async () => {
    const ios = (await pulseKeys('create', '--source', 'ios')).stdout.trim();
    const accepted = await until(200, 5_000, () =>
      postCollector(collector.url, '/v1/track', track('rot-ios'), withKey(ios)),
    );
    expect(accepted.status).toBe(200);

    const revoke = await pulseKeys('revoke', '--source', 'ios');
    expect(revoke.stdout).toMatch(/^revoked ios sha256 [0-9a-f]{12}…$/m);
    const revokedAt = Date.now();
    const refused = await until(401, 5_000, () =>
      postCollector(collector.url, '/v1/track', track(`rot-late-${Date.now()}`), withKey(ios)),
    );
    expect(refused).toMatchObject({
      status: 401,
      body: { success: false, error: 'unauthorized', reason: 'write key revoked' },
    });
    // A poll interval, a read and the CLI's start-up margin; not a restart.
    expect(Date.now() - revokedAt).toBeLessThan(RELOAD_MS * 10);
    // The other source's key is untouched.
    expect((await postCollector(collector.url, '/v1/track', track('rot-web'), withKey(webKey))).status).toBe(
      200,
    );
    const list = (await pulseKeys('list')).stdout;
    expect(list).toMatch(/^ios\s+[0-9a-f]{12}\s+revoked/m);
    expect(list).toMatch(/^web\s+[0-9a-f]{12}\s+active/m);
  });
});

describe('rate limit', () => {
  it("answers 429 with Retry-After once a key's source passes its rate, and counts the events", async () => {
    const slow = (await pulseKeys('create', '--source', 'slow', '--rate-limit', '5')).stdout.trim();
    await until(200, 5_000, () => postCollector(collector.url, '/v1/track', track('rl-0'), withKey(slow)));
    // Burst: 2 s at 5/s = 10 events; one is spent above (perhaps more while the file was reloading).
    const batch = { batch: Array.from({ length: 10 }, (_, i) => track(`rl-b-${i}`)) };
    const res = await postCollector(collector.url, '/v1/batch', batch, withKey(slow));
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.body).toMatchObject({
      error: 'rate_limited',
      reason: expect.stringContaining('limit of 5 events'),
    });
    const metrics = String((await getCollector(collector.url, '/metrics')).body);
    expect(metrics).toMatch(/^pulse_collector_rate_limited_total\{source="slow"[^}]*\} 10$/m);
    // Other sources have no limit (COLLECTOR_RATE_LIMIT_PER_SOURCE=0).
    expect((await postCollector(collector.url, '/v1/batch', batch, withKey(webKey))).status).toBe(200);
    expect(await storedWithPrefix('rl-b-')).toHaveLength(10);
  });
});

describe('privacy', () => {
  it('stores context.ip anonymised and personal traits hashed', async () => {
    const res = await postCollector(
      collector.url,
      '/v1/batch',
      {
        batch: [
          {
            type: 'identify',
            userId: 'ada',
            messageId: 'priv-identify',
            traits: { email: ' Ada@Example.com', phone: '+44 20 7946 0958', plan: 'pro' },
            context: { ip: '203.0.113.9', traits: { email: 'ada@example.com' } },
          },
          track('priv-track', { ip: '2001:db8:85a3:8d3:1319:8a2e:370:7348' }),
        ],
      },
      withKey(webKey),
    );
    expect(res.status).toBe(200);
    const stored = await storedWithPrefix('priv-');
    const byId = new Map(stored.map((m) => [m.event.message_id, m.event]));
    expect(byId.get('priv-identify')).toMatchObject({
      traits: { email: sha('ada@example.com'), phone: sha('+44 20 7946 0958'), plan: 'pro' },
      context: { ip: '203.0.113.0', traits: { email: sha('ada@example.com') } },
    });
    expect(byId.get('priv-track')?.context).toEqual({ ip: '2001:db8:85a3::' });
    const raw = stored.map((m) => m.value).join('');
    expect(raw).not.toMatch(/203\.0\.113\.9|ada@example|7946 0958|8a2e:370:7348/i);
  });

  it('acknowledges an event whose consent denies analytics but never writes it to Kafka', async () => {
    const denied = { consent: { categoryPreferences: { Analytics: false, Advertising: true } } };
    const granted = { consent: { categoryPreferences: { Analytics: true } } };
    const res = await postCollector(
      collector.url,
      '/v1/batch',
      { batch: [track('consent-denied', denied), track('consent-granted', granted), track('consent-none')] },
      withKey(webKey),
    );
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    const single = await postCollector(
      collector.url,
      '/v1/track',
      track('consent-denied-2', denied),
      withKey(webKey),
    );
    expect(single).toMatchObject({ status: 200, body: { success: true } });
    // A later event from the same person is in Kafka, so the denied ones would be by now.
    expect(
      (await postCollector(collector.url, '/v1/track', track('consent-after'), withKey(webKey))).status,
    ).toBe(200);
    const ids = (await storedWithPrefix('consent-')).map((m) => m.event.message_id).sort();
    expect(ids).toEqual(['consent-after', 'consent-granted', 'consent-none']);
    const metrics = String((await getCollector(collector.url, '/metrics')).body);
    expect(metrics).toMatch(/^pulse_collector_consent_denied_total\{source="web"[^}]*\} 2$/m);
  });
});

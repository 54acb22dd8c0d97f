import { lookup } from 'node:dns/promises';
import { request } from 'node:http';
import { hostname } from 'node:os';
import { addressKind, PrivateAddressError, publicOnlyLookup } from '@pulse/trigger';
import { describe, expect, it } from 'vitest';
import { campaign, eventually, SECRET, settled, stored, triggerTestSetup } from './trigger-harness.js';

const { harness } = triggerTestSetup();

const API_KEY = 'trigger-api-key-0123456789';
const strict = { webhook: { secret: SECRET, timeoutMs: 2000, attempts: 3, backoffMs: 50 } };

const definition = (url: string) => ({
  trigger: { kind: 'event', event: 'Order Completed' },
  channel: { type: 'webhook', url },
  variants: [{ name: 'a', template: { text: 'hi' } }],
});

describe('campaign API key', () => {
  it('answers 401 with the reason without the right Bearer key, and serves with it', async () => {
    const h = harness();
    const trigger = await h.start([], { api: { host: '127.0.0.1', port: 0, key: API_KEY } });
    const call = (authorization?: string) =>
      trigger.api.inject({
        method: 'GET',
        url: '/campaigns',
        ...(authorization ? { headers: { authorization } } : {}),
      });
    const missing = await call();
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(missing.json()).toEqual({
      error: 'unauthorized',
      reason: expect.stringMatching(/missing Authorization/),
    });
    expect((await call(`Bearer ${API_KEY}x`)).json()).toEqual({
      error: 'unauthorized',
      reason: 'wrong API key',
    });
    expect((await call(`Basic ${API_KEY}`)).json().reason).toMatch(/must be Bearer/);
    const put = await trigger.api.inject({
      method: 'PUT',
      url: '/campaigns/x',
      payload: definition('http://example.com'),
    });
    expect(put.statusCode).toBe(401);
    expect(trigger.campaigns.get('x')).toBeUndefined();
    const deletion = await trigger.api.inject({ method: 'DELETE', url: '/people/ann' });
    expect(deletion.statusCode).toBe(401);

    const ok = await call(`Bearer ${API_KEY}`);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ campaigns: [] });
  });

  it('needs no key when TRIGGER_API_KEY is not set', async () => {
    const h = harness();
    const trigger = await h.start([]);
    expect((await trigger.api.inject({ method: 'GET', url: '/campaigns' })).statusCode).toBe(200);
  });
});

describe('webhooks to private addresses (SSRF)', () => {
  it('refuses campaigns whose webhook is a literal private, loopback or link-local address, or localhost', async () => {
    const h = harness();
    const trigger = await h.start([], strict);
    for (const [url, kind] of [
      ['http://127.0.0.1:8080/hook', 'loopback'],
      ['http://localhost/hook', 'loopback'],
      ['http://[::1]/hook', 'loopback'],
      ['http://[::ffff:127.0.0.1]/hook', 'loopback'],
      ['http://10.0.0.7/hook', 'private'],
      ['http://169.254.169.254/latest/meta-data', 'link-local'],
      ['https://[fd00::1]/hook', 'unique-local'],
    ] as const) {
      const res = await trigger.api.inject({
        method: 'PUT',
        url: '/campaigns/hook',
        payload: definition(url),
      });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().problems, url).toEqual([
        {
          field: 'channel.url',
          reason: expect.stringMatching(
            new RegExp(`a ${kind} address .*TRIGGER_ALLOW_PRIVATE_WEBHOOKS=true`),
          ),
        },
      ]);
    }
    expect(trigger.campaigns.list()).toEqual([]);
    // Campaign files are checked the same way at start.
    await expect(
      h.start(
        [
          campaign({
            id: 'local',
            trigger: { kind: 'event', event: 'x' },
            channel: { type: 'webhook', url: 'http://127.0.0.1:1/' },
          }),
        ],
        strict,
      ),
    ).rejects.toThrow(/channel.url: webhook host 127.0.0.1 is a loopback address/);
  });

  it('resolves names before connecting and refuses private answers, at delivery time', async () => {
    const h = harness();
    const receiver = await h.receiver();
    // A name (not a literal) the resolver answers with a loopback address: this machine's own name.
    const name = hostname();
    const resolved = await lookup(name, { all: true });
    expect(resolved.map((a) => addressKind(a.address)).filter((k) => k === 'public')).toEqual([]);

    // The lookup alone, on a real connection: the socket never opens.
    const refused = await new Promise<unknown>((resolve) => {
      const req = request(
        { host: 'localhost', port: receiver.port, path: '/', lookup: publicOnlyLookup },
        () => resolve('connected'),
      );
      req.on('error', resolve);
      req.end();
    });
    expect(refused).toBeInstanceOf(PrivateAddressError);

    const url = `http://${name}:${receiver.port}/hooks/pulse`;
    const trigger = await h.start(
      [
        campaign({
          id: 'by-name',
          trigger: { kind: 'event', event: 'Order Completed' },
          channel: { type: 'webhook', url },
        }),
      ],
      strict,
    );
    await h.produce([
      stored({
        type: 'track',
        event: 'Order Completed',
        userId: 'ann',
        messageId: 'ann-order-1',
        timestamp: new Date().toISOString(),
        properties: { order_id: 'o1' },
      }),
    ]);
    const [queue] = [...trigger.deliveryQueues.values()];
    const failed = await eventually('the refused delivery in the failed set', async () => {
      const jobs = (await queue?.getFailed()) ?? [];
      return jobs.length > 0 ? jobs : undefined;
    });
    await settled(h, trigger);
    expect(failed[0]?.attemptsMade).toBe(1);
    expect(failed[0]?.failedReason).toMatch(
      new RegExp(
        `webhook host ${name} resolves to a (loopback|private) address .*TRIGGER_ALLOW_PRIVATE_WEBHOOKS=true`,
      ),
    );
    expect(receiver.received).toEqual([]);
  });
});

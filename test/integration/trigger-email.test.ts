import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Campaign, SmtpError, sendMail, type TriggerConfig } from '@pulse/trigger';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/ids.js';
import { type SmtpStep, startSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { campaign, decisionRows, eventually, settled, stored, triggerTestSetup } from './trigger-harness.js';

const { harness } = triggerTestSetup();

const servers: TestSmtpServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function smtpServer(options: Parameters<typeof startSmtpServer>[0] = {}): Promise<TestSmtpServer> {
  const s = await startSmtpServer(options);
  servers.push(s);
  return s;
}

const AUTH = { user: 'mailer', password: 'secret pass' };

function smtpConfig(s: TestSmtpServer): NonNullable<TriggerConfig['smtp']> {
  return {
    host: s.host,
    port: s.port,
    secure: false,
    username: AUTH.user,
    password: AUTH.password,
    from: 'shop@example.com',
    timeoutMs: 2000,
    heloName: 'pulse-test',
  };
}

/** The body of a recorded 7bit message (after the blank line ending the headers). */
const bodyOf = (data: string) => data.slice(data.indexOf('\r\n\r\n') + 4);
const header = (data: string, name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(data)?.[1];

const identify = (userId: string, traits: Record<string, unknown>) =>
  stored({ type: 'identify', userId, messageId: `${userId}-identify`, traits });
const order = (userId: string, n = 1) =>
  stored({
    type: 'track',
    event: 'Order Completed',
    userId,
    messageId: `${userId}-order-${n}`,
    timestamp: new Date().toISOString(),
    properties: { order_id: `${userId}-${n}`, revenue: 42 },
  });

const emailCampaign = (): Campaign =>
  campaign({
    id: 'order-mail',
    trigger: { kind: 'event', event: 'Order Completed' },
    frequencyCap: { max: 10, windowHours: 1 },
    channel: { type: 'email' },
    variants: [
      {
        name: 'a',
        template: {
          subject: 'Thanks for order {{event.properties.order_id}}',
          body: 'Hello {{traits.first_name}},\n.we got {{event.properties.revenue}} EUR\n.',
        },
      },
    ],
  });

describe('SMTP client', () => {
  it('authenticates with AUTH PLAIN and sends a dot-stuffed message the server reads back intact', async () => {
    const server = await smtpServer({ auth: AUTH });
    const message = 'Subject: t\r\n\r\n.line starting with a dot\r\n..two dots\r\nend\r\n';
    await sendMail(smtpConfig(server), { from: 'a@example.com', to: 'b@example.com', message });
    expect(server.messages).toEqual([
      { from: 'a@example.com', to: ['b@example.com'], data: message, user: 'mailer', tls: false },
    ]);
  });

  it('upgrades with STARTTLS when offered, checks the certificate, and authenticates over TLS', async () => {
    // A throwaway self-signed certificate for 127.0.0.1 (openssl, as on any machine running Kafka's tools).
    const dir = tempDir('pulse-smtp-tls');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    rmSync(dir, { recursive: true, force: true });
    const server = await smtpServer({ auth: AUTH, tls: { key, cert } });
    const mail = { from: 'a@example.com', to: 'b@example.com', message: 'Subject: tls\r\n\r\nsecret\r\n' };
    await sendMail({ ...smtpConfig(server), tls: { ca: cert } }, mail);
    expect(server.messages.map((m) => [m.tls, m.user, m.data])).toEqual([[true, 'mailer', mail.message]]);
    // An unknown certificate fails the attempt (retriable: the operator can fix the trust) and sends nothing.
    const untrusted = await sendMail(smtpConfig(server), mail).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(untrusted).toMatchObject({ retriable: true, message: expect.stringMatching(/STARTTLS failed/) });
    expect(server.messages).toHaveLength(1);
  });

  it('classifies 5xx as permanent and 4xx, refused connections and silence as retriable', async () => {
    const refuse = (reply: string, step: SmtpStep) =>
      smtpServer({ auth: AUTH, reply: (s) => (s === step ? reply : undefined) });
    const attempt = async (config: NonNullable<TriggerConfig['smtp']>) =>
      sendMail(config, { from: 'a@example.com', to: 'b@example.com', message: 'x\r\n' }).then(
        () => undefined,
        (err: unknown) => err,
      );
    const permanent = await attempt(smtpConfig(await refuse('550 5.1.1 no such user', 'RCPT')));
    expect(permanent).toBeInstanceOf(SmtpError);
    expect(permanent).toMatchObject({ retriable: false, reply: 550, code: 'PULSE_SMTP_REJECTED' });
    expect((permanent as Error).message).toMatch(/refused RCPT TO: 550 5.1.1 no such user/);

    const later = await attempt(smtpConfig(await refuse('451 4.3.0 try again later', 'MESSAGE')));
    expect(later).toMatchObject({ retriable: true, reply: 451 });

    const badLogin = await attempt({ ...smtpConfig(await smtpServer({ auth: AUTH })), password: 'wrong' });
    expect(badLogin).toMatchObject({ retriable: false, reply: 535 });

    const closed = await smtpServer();
    const port = closed.port;
    await closed.close();
    expect(await attempt({ ...smtpConfig(closed), port })).toMatchObject({ retriable: true });

    // A server that accepts the connection and never greets: the timeout ends the attempt.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const silentPort = typeof address === 'object' && address ? address.port : 0;
    const started = Date.now();
    const timedOut = await attempt({ ...smtpConfig(closed), port: silentPort, timeoutMs: 300 });
    silent.close();
    expect(timedOut).toMatchObject({ retriable: true });
    expect((timedOut as Error).message).toMatch(/no answer in 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('email channel', () => {
  it('mails the rendered template to the person’s email trait, skips people without one, fails 5xx at once and retries 4xx', async () => {
    const h = harness();
    // The first message for greylisted@ is refused with a 4xx, any message for bounce@ with a 550.
    const server = await smtpServer({
      auth: AUTH,
      reply: (step, to, attempt) => {
        if (step === 'RCPT' && to.includes('bounce@example.com')) return '550 5.1.1 mailbox unavailable';
        if (step === 'MESSAGE' && to.includes('greylisted@example.com') && attempt === 1) {
          return '451 4.7.1 greylisted, try again';
        }
        return undefined;
      },
    });
    const trigger = await h.start([emailCampaign()], {
      smtp: smtpConfig(server),
      webhook: { timeoutMs: 2000, attempts: 4, backoffMs: 50, allowPrivate: true },
    });
    await h.produce([identify('ada', { email: 'ada@example.com', first_name: 'Ada' }), order('ada')]);
    await eventually('ada’s email', () => (server.messages.length === 1 ? true : undefined));
    const [mail] = server.messages;
    expect(mail?.from).toBe('shop@example.com');
    expect(mail?.to).toEqual(['ada@example.com']);
    expect(header(mail?.data ?? '', 'Subject')).toBe('Thanks for order ada-1');
    expect(header(mail?.data ?? '', 'To')).toBe('ada@example.com');
    expect(header(mail?.data ?? '', 'X-Pulse-Id')).toBe('order-mail.ada.event-ada-order-1');
    expect(bodyOf(mail?.data ?? '')).toBe('Hello Ada,\r\n.we got 42 EUR\r\n.\r\n');

    await h.produce([identify('grey', { email: 'greylisted@example.com' }), order('grey')]);
    await eventually('the greylisted email on its second attempt', () =>
      server.messages.length === 2 ? true : undefined,
    );
    expect(server.messages[1]?.to).toEqual(['greylisted@example.com']);

    await h.produce([identify('bounce', { email: 'bounce@example.com' }), order('bounce'), order('nomail')]);
    const queue = trigger.deliveryQueues.get('trigger-deliver-email');
    const failed = await eventually('the bounced email in the failed set', async () => {
      const jobs = (await queue?.getFailed()) ?? [];
      return jobs.length > 0 ? jobs : undefined;
    });
    await settled(h, trigger);
    expect(failed.map((j) => [j.data.person, j.attemptsMade])).toEqual([['bounce', 1]]);
    expect(failed[0]?.failedReason).toMatch(/550 5.1.1 mailbox unavailable/);
    const greyJob = await queue?.getJob('order-mail.grey.event-grey-order-1');
    expect(greyJob?.attemptsMade).toBe(2);
    expect(server.messages).toHaveLength(2);

    const rows = await eventually('four decisions', async () => {
      const r = await decisionRows(h, trigger);
      return r.length >= 4 ? r : undefined;
    });
    expect(rows.map((r) => [r.person, r.outcome, r.reason])).toEqual([
      ['ada', 'sent', ''],
      ['bounce', 'failed', expect.stringMatching(/refused RCPT TO: 550 5.1.1 mailbox unavailable/)],
      ['grey', 'sent', ''],
      ['nomail', 'not_in_audience', 'no email address in traits.email'],
    ]);
  });

  it('refuses an email campaign when no SMTP server is configured', async () => {
    const h = harness();
    const trigger = await h.start([]);
    const res = await trigger.api.inject({
      method: 'PUT',
      url: '/campaigns/mail',
      payload: {
        trigger: { kind: 'event', event: 'Order Completed' },
        channel: { type: 'email' },
        variants: [{ name: 'a', template: { subject: 'Hi', body: 'There' } }],
      },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({
      code: 'PULSE_CAMPAIGN_UNSUPPORTED',
      error: expect.stringMatching(/TRIGGER_SMTP_URL/),
    });
  });
});

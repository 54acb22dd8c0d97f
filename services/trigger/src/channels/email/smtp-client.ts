import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions, connect as tlsConnect } from 'node:tls';
import { errorMessage, PulseError } from '@pulse/common';
import { addressKind, isLocalHostName } from '../address-policy.js';
import { dotStuff } from './message.js';

export interface SmtpTarget {
  host: string;
  port: number;
  /** TLS from the first byte (smtps, port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  username?: string;
  password?: string;
  /** No answer for this long at any step fails the attempt (retriable). */
  timeoutMs: number;
  heloName: string;
  /** Extra TLS settings, e.g. a private CA. */
  tls?: ConnectionOptions;
}

export interface Envelope {
  from: string;
  to: string;
  /** The RFC 5322 message, before dot-stuffing. */
  message: string;
}

/** A refused or failed SMTP exchange: 5xx replies are permanent; 4xx, timeouts and network errors retriable. */
export class SmtpError extends PulseError {
  readonly reply: number | undefined;

  constructor(message: string, retriable: boolean, reply?: number, cause?: unknown) {
    super(retriable ? 'PULSE_SMTP_RETRIABLE' : 'PULSE_SMTP_REJECTED', message, { retriable, cause });
    this.reply = reply;
  }
}

interface Reply {
  code: number;
  lines: string[];
}

const MAX_LINE = 4096;
const MAX_LINES = 200;

/** One SMTP connection: reads replies (multi-line ones whole) and writes commands. */
class SmtpConnection {
  private socket: Socket;
  private buffer = '';
  private partial: string[] = [];
  private readonly replies: Reply[] = [];
  private waiting: { resolve(r: Reply): void; reject(e: Error): void } | undefined;
  private failure: Error | undefined;
  private readonly onData = (chunk: Buffer) => this.receive(chunk.toString('latin1'));

  constructor(
    socket: Socket,
    private readonly where: string,
    private readonly timeoutMs: number,
  ) {
    this.socket = socket;
    this.attach(socket);
  }

  private attach(socket: Socket): void {
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('error', (err) =>
      this.fail(new SmtpError(`${this.where}: ${err.message}`, true, undefined, err)),
    );
    socket.on('close', () => this.fail(new SmtpError(`${this.where} closed the connection`, true)));
    socket.setTimeout(this.timeoutMs, () =>
      socket.destroy(new Error(`no answer in ${this.timeoutMs} ms (TRIGGER_SMTP_TIMEOUT_MS)`)),
    );
  }

  private receive(text: string): void {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end < 0) break;
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!m) {
        this.fail(new SmtpError(`${this.where} sent a malformed reply: ${line.slice(0, 80)}`, true));
        return;
      }
      this.partial.push(m[3] ?? '');
      if (this.partial.length > MAX_LINES) {
        this.fail(new SmtpError(`${this.where}: reply too long`, true));
        return;
      }
      if (m[2] === '-') continue;
      const reply = { code: Number(m[1]), lines: this.partial };
      this.partial = [];
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve(reply);
      } else this.replies.push(reply);
    }
    if (this.buffer.length > MAX_LINE) this.fail(new SmtpError(`${this.where}: reply line too long`, true));
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.waiting?.reject(err);
    this.waiting = undefined;
    this.socket.destroy();
  }

  read(): Promise<Reply> {
    const next = this.replies.shift();
    if (next) return Promise.resolve(next);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  write(data: string): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    this.socket.write(data, 'utf8');
    return this.read();
  }

  command(line: string): Promise<Reply> {
    return this.write(`${line}\r\n`);
  }

  /** STARTTLS: the same TCP connection, now encrypted and the server's certificate checked. */
  async upgrade(host: string, options: ConnectionOptions = {}): Promise<void> {
    const plain = this.socket;
    // The TLS socket takes over the TCP connection and its events.
    plain.removeListener('data', this.onData);
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    plain.removeAllListeners('timeout');
    plain.setTimeout(0);
    const secure = tlsConnect({
      socket: plain,
      // `host` is what the certificate is checked against; SNI only for names.
      host,
      ...(isIP(host) ? {} : { servername: host }),
      ...options,
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => secure.destroy(new Error(`no TLS handshake in ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      secure.once('secureConnect', () => {
        clearTimeout(timer);
        secure.removeAllListeners('error');
        resolve();
      });
      secure.once('error', (err) => {
        clearTimeout(timer);
        reject(new SmtpError(`${this.where}: STARTTLS failed: ${err.message}`, true, undefined, err));
      });
    });
    this.attach(secure);
  }

  close(): void {
    this.socket.removeAllListeners('close');
    this.socket.destroy();
  }
}

function connectTo(target: SmtpTarget, where: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.secure
      ? tlsConnect({
          host: target.host,
          port: target.port,
          ...(isIP(target.host) ? {} : { servername: target.host }),
          ...target.tls,
        })
      : netConnect({ host: target.host, port: target.port });
    const timer = setTimeout(
      () => socket.destroy(new Error(`no connection in ${target.timeoutMs} ms`)),
      target.timeoutMs,
    );
    socket.once(target.secure ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new SmtpError(`cannot connect to ${where}: ${err.message}`, true, undefined, err));
    });
  });
}

/** Throws SmtpError unless the reply's code is one of `ok`: 5xx permanent, anything else retriable. */
function accept(reply: Reply, ok: readonly number[], step: string, where: string): Reply {
  if (ok.includes(reply.code)) return reply;
  // Servers often quote the address; decisions and the failed set keep the reason, so it is masked.
  const text = reply.lines
    .join(' ')
    .replace(/[^\s<>]+@[^\s<>]+/g, '(address)')
    .slice(0, 300);
  return fail(new SmtpError(`${where} refused ${step}: ${reply.code} ${text}`, reply.code < 500, reply.code));
}

function fail(err: SmtpError): never {
  throw err;
}

async function hello(conn: SmtpConnection, name: string, where: string): Promise<Map<string, string>> {
  const reply = await conn.command(`EHLO ${name}`);
  if (reply.code >= 500 && reply.code < 510) {
    accept(await conn.command(`HELO ${name}`), [250], 'HELO', where);
    return new Map();
  }
  accept(reply, [250], 'EHLO', where);
  return new Map(
    reply.lines.slice(1).map((line) => {
      const [keyword = '', ...params] = line.trim().split(/\s+/);
      return [keyword.toUpperCase(), params.join(' ')] as const;
    }),
  );
}

function isLoopback(host: string): boolean {
  return isLocalHostName(host) || addressKind(host) === 'loopback';
}

/**
 * Sends one message over a new connection: greeting, EHLO, STARTTLS when
 * offered (smtp://), AUTH PLAIN when a user is configured, MAIL FROM, RCPT
 * TO, DATA with dot-stuffing, QUIT. The password never crosses an
 * unencrypted connection except to this machine.
 */
export async function sendMail(target: SmtpTarget, mail: Envelope): Promise<void> {
  const where = `SMTP server ${target.host}:${target.port}`;
  const conn = new SmtpConnection(await connectTo(target, where), where, target.timeoutMs);
  try {
    accept(await conn.read(), [220], 'the connection', where);
    let ext = await hello(conn, target.heloName, where);
    let encrypted = target.secure;
    if (!encrypted && ext.has('STARTTLS')) {
      accept(await conn.command('STARTTLS'), [220], 'STARTTLS', where);
      await conn.upgrade(target.host, target.tls);
      encrypted = true;
      ext = await hello(conn, target.heloName, where);
    }
    if (target.username !== undefined) {
      if (!encrypted && !isLoopback(target.host)) {
        fail(
          new SmtpError(
            `${where} offers no TLS: refusing to send the password unencrypted (use smtps:// or a server with STARTTLS)`,
            false,
          ),
        );
      }
      if (!/(^|\s)PLAIN(\s|$)/i.test(ext.get('AUTH') ?? '')) {
        fail(new SmtpError(`${where} does not offer AUTH PLAIN`, false));
      }
      const token = Buffer.from(`\u0000${target.username}\u0000${target.password ?? ''}`, 'utf8');
      accept(await conn.command(`AUTH PLAIN ${token.toString('base64')}`), [235], 'AUTH PLAIN', where);
    }
    accept(await conn.command(`MAIL FROM:<${mail.from}>`), [250], 'MAIL FROM', where);
    // The address stays out of the message: it ends up in decisions and the failed set.
    accept(await conn.command(`RCPT TO:<${mail.to}>`), [250, 251], 'RCPT TO', where);
    accept(await conn.command('DATA'), [354], 'DATA', where);
    accept(await conn.write(dotStuff(mail.message)), [250], 'the message', where);
    await conn.command('QUIT').catch(() => undefined);
  } catch (err) {
    if (err instanceof SmtpError) throw err;
    throw new SmtpError(`${where}: ${errorMessage(err)}`, true, undefined, err);
  } finally {
    conn.close();
  }
}

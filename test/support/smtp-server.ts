import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The message as sent, dot-stuffing removed, CRLF line ends. */
  data: string;
  /** The user of AUTH PLAIN, if the client authenticated. */
  user: string | undefined;
  /** Whether the message came over a connection upgraded with STARTTLS. */
  tls: boolean;
}

/** The step a reply is chosen for, and how many times that step was reached on any connection. */
export type SmtpStep = 'MAIL' | 'RCPT' | 'DATA' | 'MESSAGE';

export interface SmtpServerOptions {
  /** Accepted AUTH PLAIN credentials; without them AUTH is not offered. */
  auth?: { user: string; password: string };
  /** Offer STARTTLS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /**
   * A reply line (e.g. "550 5.1.1 no such user") to give instead of the normal one; undefined: normal.
   * `to` holds the recipients so far (at RCPT, the one asked for too); `attempt` counts how often this
   * step was reached for these recipients, across connections.
   */
  reply?: (step: SmtpStep, to: readonly string[], attempt: number) => string | undefined;
}

export interface TestSmtpServer {
  host: string;
  port: number;
  url: string;
  readonly messages: ReceivedMail[];
  /** Connections opened so far (each delivery attempt opens one). */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * A minimal SMTP server (RFC 5321 subset: EHLO/HELO, STARTTLS, AUTH PLAIN,
 * MAIL, RCPT, DATA, RSET, NOOP, QUIT) that records what it accepts: enough to
 * test a client against real sockets, nothing more.
 */
export async function startSmtpServer(opts: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const attempts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let connections = 0;
  const override = (step: SmtpStep, to: readonly string[]): string | undefined => {
    const key = `${step} ${to.join(',')}`;
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    return opts.reply?.(step, to, n);
  };

  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let io: Socket = socket;
    let secure = false;
    const say = (line: string) => io.write(`${line}\r\n`);
    let buffer = '';
    let inData = false;
    let dataLines: string[] = [];
    let from: string | undefined;
    let to: string[] = [];
    let user: string | undefined;
    const reset = () => {
      from = undefined;
      to = [];
    };
    const command = (line: string) => {
      const verb = line.split(' ', 1)[0]?.toUpperCase() ?? '';
      const arg = line.slice(verb.length).trim();
      switch (verb) {
        case 'EHLO':
          say('250-pulse-test-smtp');
          say('250-8BITMIME');
          if (opts.tls && !secure) say('250-STARTTLS');
          if (opts.auth) say('250-AUTH PLAIN');
          say('250 SIZE 10485760');
          return;
        case 'HELO':
          return say('250 pulse-test-smtp');
        case 'AUTH': {
          const [mech, token = ''] = arg.split(' ');
          const [, u, p] = Buffer.from(token, 'base64').toString('utf8').split('\u0000');
          if (
            mech?.toUpperCase() === 'PLAIN' &&
            opts.auth &&
            u === opts.auth.user &&
            p === opts.auth.password
          ) {
            user = u;
            return say('235 2.7.0 Authentication successful');
          }
          return say('535 5.7.8 Authentication credentials invalid');
        }
        case 'MAIL': {
          if (opts.auth && !user) return say('530 5.7.0 Authentication required');
          const forced = override('MAIL', []);
          if (forced) return say(forced);
          from = /^FROM:<([^>]*)>/i.exec(arg)?.[1];
          return from === undefined ? say('501 5.5.4 Syntax: MAIL FROM:<address>') : say('250 2.1.0 Ok');
        }
        case 'RCPT': {
          if (from === undefined) return say('503 5.5.1 MAIL first');
          const address = /^TO:<([^>]+)>/i.exec(arg)?.[1];
          if (!address) return say('501 5.5.4 Syntax: RCPT TO:<address>');
          const forced = override('RCPT', [...to, address]);
          if (forced) return say(forced);
          to.push(address);
          return say('250 2.1.5 Ok');
        }
        case 'DATA': {
          if (to.length === 0) return say('503 5.5.1 RCPT first');
          const forced = override('DATA', to);
          if (forced) return say(forced);
          inData = true;
          dataLines = [];
          return say('354 End data with <CR><LF>.<CR><LF>');
        }
        case 'STARTTLS': {
          if (!opts.tls || secure) return say('502 5.5.1 STARTTLS not offered');
          say('220 2.0.0 Ready to start TLS');
          socket.removeListener('data', onData);
          buffer = '';
          reset();
          user = undefined;
          io = new TLSSocket(socket, { isServer: true, key: opts.tls.key, cert: opts.tls.cert });
          io.on('error', () => undefined);
          io.on('data', onData);
          secure = true;
          return;
        }
        case 'RSET':
          reset();
          return say('250 2.0.0 Ok');
        case 'NOOP':
          return say('250 2.0.0 Ok');
        case 'QUIT':
          say('221 2.0.0 Bye');
          socket.end();
          return;
        default:
          return say('502 5.5.2 Command not recognized');
      }
    };
    const dataLine = (line: string) => {
      if (line !== '.') {
        dataLines.push(line.startsWith('.') ? line.slice(1) : line);
        return;
      }
      inData = false;
      const forced = override('MESSAGE', to);
      if (forced) {
        reset();
        return say(forced);
      }
      messages.push({ from: from ?? '', to, data: `${dataLines.join('\r\n')}\r\n`, user, tls: secure });
      reset();
      say('250 2.0.0 Ok: queued');
    };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        const end = buffer.indexOf('\r\n');
        if (end < 0) break;
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) dataLine(line);
        else command(line);
      }
    };
    socket.on('data', onData);
    say('220 pulse-test-smtp ESMTP');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    host: '127.0.0.1',
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

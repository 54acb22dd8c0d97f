import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyError, parseJsonBody, readBody } from './body.js';

const LIMITS = { maxBytes: 1000, maxDecompressedBytes: 4000 };

/** The bytes as a stream of small chunks, the way a socket delivers them. */
function chunked(bytes: Buffer, size = 64): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function refusal(promise: Promise<unknown>): Promise<BodyError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BodyError);
  return err as BodyError;
}

describe('readBody', () => {
  const text = Buffer.from(JSON.stringify({ event: 'Signed Up', userId: 'u1' }));

  it('reads a plain body', async () => {
    expect(await readBody(chunked(text), undefined, LIMITS)).toEqual(text);
    expect(await readBody(chunked(text), 'identity', LIMITS)).toEqual(text);
  });

  it.each([
    ['gzip', gzipSync],
    [' GZip ', gzipSync],
    ['deflate', deflateSync],
  ])('inflates a %s body', async (encoding, compress) => {
    expect(await readBody(chunked(compress(text), 7), encoding, LIMITS)).toEqual(text);
  });

  it('accepts exactly maxBytes and refuses one more with 413', async () => {
    expect((await readBody(chunked(Buffer.alloc(1000, 'a')), undefined, LIMITS)).length).toBe(1000);
    const err = await refusal(readBody(chunked(Buffer.alloc(1001, 'a')), undefined, LIMITS));
    expect(err).toMatchObject({ status: 413, code: 'PULSE_BODY_TOO_LARGE' });
  });

  it('bounds the inflated size separately from the wire size', async () => {
    const fits = gzipSync(Buffer.alloc(4000, 'a'));
    expect(fits.length).toBeLessThan(LIMITS.maxBytes);
    expect((await readBody(chunked(fits), 'gzip', LIMITS)).length).toBe(4000);
    const err = await refusal(readBody(chunked(gzipSync(Buffer.alloc(4001, 'a'))), 'gzip', LIMITS));
    expect(err).toMatchObject({ status: 413, message: expect.stringContaining('4000 bytes') });
  });

  it('bounds the wire size of a compressed body too', async () => {
    const random = Buffer.from(Array.from({ length: 3000 }, () => Math.floor(Math.random() * 256)));
    const err = await refusal(readBody(chunked(gzipSync(random)), 'gzip', LIMITS));
    expect(err).toMatchObject({ status: 413, message: expect.stringContaining('1000 bytes') });
  });

  it('drains the rest of a refused body so the client can read the answer', async () => {
    const raw = new PassThrough();
    const reading = refusal(readBody(raw, undefined, LIMITS));
    raw.write(Buffer.alloc(800));
    raw.write(Buffer.alloc(800));
    expect((await reading).status).toBe(413);
    raw.end(Buffer.alloc(64 * 1024));
    await once(raw, 'end');
    expect(raw.readableEnded).toBe(true);
  });

  it('drops the connection of a refused body that goes on past maxDrainBytes', async () => {
    const raw = new PassThrough();
    const reading = refusal(readBody(raw, undefined, { ...LIMITS, maxDrainBytes: 10_000 }));
    raw.write(Buffer.alloc(1500));
    expect((await reading).status).toBe(413);
    raw.write(Buffer.alloc(5000));
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw.destroyed).toBe(false);
    raw.write(Buffer.alloc(5000));
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw.destroyed).toBe(true);
  });

  it('answers 400 to a body that is not valid gzip or deflate', async () => {
    for (const encoding of ['gzip', 'deflate']) {
      const err = await refusal(readBody(chunked(text), encoding, LIMITS));
      expect(err).toMatchObject({ status: 400, code: 'PULSE_BODY_UNREADABLE' });
    }
    const truncated = gzipSync(text).subarray(0, 15);
    expect(await refusal(readBody(chunked(truncated), 'gzip', LIMITS))).toMatchObject({ status: 400 });
  });

  it('answers 415 to an unsupported encoding and drains the body', async () => {
    const raw = chunked(text);
    const err = await refusal(readBody(raw, 'br', LIMITS));
    expect(err).toMatchObject({
      status: 415,
      code: 'PULSE_BODY_ENCODING',
      message: expect.stringContaining('"br"'),
    });
    await once(raw, 'end');
  });

  it('answers 400 when the stream fails', async () => {
    const raw = new PassThrough();
    const reading = refusal(readBody(raw, undefined, LIMITS));
    raw.destroy(new Error('socket hang up'));
    expect(await reading).toMatchObject({ status: 400, message: expect.stringContaining('socket hang up') });
  });
});

describe('parseJsonBody', () => {
  it('parses JSON, objects and others', () => {
    expect(parseJsonBody(Buffer.from('{"a":[1,"é"]}'))).toEqual({ a: [1, 'é'] });
    expect(parseJsonBody(Buffer.from('[1]'))).toEqual([1]);
  });

  it('ignores a UTF-8 byte order mark', () => {
    expect(parseJsonBody(Buffer.from('\uFEFF{"a":1}'))).toEqual({ a: 1 });
  });

  it.each([
    ['empty', Buffer.alloc(0), 'PULSE_BODY_EMPTY'],
    ['not UTF-8', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'PULSE_BODY_NOT_UTF8'],
    ['not JSON', Buffer.from('{"a":'), 'PULSE_BODY_NOT_JSON'],
    ['form-encoded', Buffer.from('a=1&b=2'), 'PULSE_BODY_NOT_JSON'],
  ])('refuses a body that is %s with 400', (_name, body, code) => {
    let thrown: unknown;
    try {
      parseJsonBody(body);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(BodyError);
    expect(thrown).toMatchObject({ status: 400, code });
  });
});

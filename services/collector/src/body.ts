import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { PulseError } from '@pulse/common';

/** A request body we refuse; `status` is the HTTP answer. */
export class BodyError extends PulseError {
  readonly status: 400 | 408 | 413 | 415;

  constructor(status: 400 | 408 | 413 | 415, code: string, message: string) {
    super(code, message);
    this.status = status;
  }
}

export interface BodyLimits {
  /** Bytes on the wire. */
  maxBytes: number;
  /** Bytes after decompression (guards against gzip bombs). */
  maxDecompressedBytes: number;
  /**
   * Bytes of a refused body read and discarded so the client, still
   * sending, gets its answer instead of a reset connection; past them the
   * connection is dropped. Default MAX_DRAIN_BYTES.
   */
  maxDrainBytes?: number;
  /** The whole body must arrive within this (a client trickling bytes holds a request slot). */
  timeoutMs?: number;
}

/** Discarding a refused body costs bandwidth only; beyond this much the sender is not a client that reads answers. */
export const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

/**
 * Reads a request body, inflating gzip/deflate as it streams and stopping as
 * soon as either limit is passed, so an oversize or bomb body never sits in
 * memory whole.
 */
export function readBody(raw: Readable, encoding: string | undefined, limits: BodyLimits): Promise<Buffer> {
  const enc = (encoding ?? 'identity').trim().toLowerCase();
  if (enc !== 'identity' && enc !== 'gzip' && enc !== 'deflate') {
    raw.resume();
    return Promise.reject(
      new BodyError(
        415,
        'PULSE_BODY_ENCODING',
        `Content-Encoding "${enc}" is not supported; send gzip or none`,
      ),
    );
  }
  const max = enc === 'identity' ? limits.maxBytes : limits.maxDecompressedBytes;
  const inflater = enc === 'identity' ? undefined : enc === 'gzip' ? createGunzip() : createInflate();
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    let settled = false;
    // On failure the rest of the body is read and discarded rather than the
    // socket destroyed, so the client still gets its 4xx answer.
    const timer =
      limits.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            fail(
              new BodyError(
                408,
                'PULSE_BODY_TIMEOUT',
                `request body did not arrive within ${limits.timeoutMs} ms; send it at once`,
              ),
            );
          }, limits.timeoutMs);
    const fail = (err: BodyError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inflater?.destroy();
      raw.resume();
      reject(err);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(Buffer.concat(chunks, size));
    };
    const take = (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > max) return fail(tooLarge(max));
      chunks.push(chunk);
    };
    if (inflater) {
      inflater.on('data', take);
      inflater.on('end', finish);
      inflater.on('error', (err) =>
        fail(new BodyError(400, 'PULSE_BODY_UNREADABLE', `request body is not valid ${enc}: ${err.message}`)),
      );
    }
    const maxDrain = limits.maxDrainBytes ?? MAX_DRAIN_BYTES;
    raw.on('data', (chunk: Buffer) => {
      wire += chunk.length;
      if (settled) {
        if (wire > limits.maxBytes + maxDrain) raw.destroy();
        return;
      }
      if (wire > limits.maxBytes) return fail(tooLarge(limits.maxBytes));
      if (inflater) inflater.write(chunk);
      else take(chunk);
    });
    raw.on('end', () => (inflater ? inflater.end() : finish()));
    raw.on('error', (err) =>
      fail(new BodyError(400, 'PULSE_BODY_UNREADABLE', `request body could not be read: ${err.message}`)),
    );
  });
}

function tooLarge(limit: number): BodyError {
  return new BodyError(
    413,
    'PULSE_BODY_TOO_LARGE',
    `request body is larger than ${limit} bytes; send smaller batches`,
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses the body as JSON whatever the Content-Type says: real SDKs send text/plain or form headers. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0)
    throw new BodyError(400, 'PULSE_BODY_EMPTY', 'request body is empty; send a JSON object');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new BodyError(400, 'PULSE_BODY_NOT_UTF8', 'request body is not valid UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BodyError(
      400,
      'PULSE_BODY_NOT_JSON',
      `request body is not valid JSON: ${(err as Error).message}`,
    );
  }
}

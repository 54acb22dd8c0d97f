import { createHash } from 'node:crypto';
import type { WriteKey } from './config.js';

/**
 * Resolves write keys to sources. Keys are kept only as SHA-256 digests, and
 * looked up by digest, so neither a heap dump nor the lookup's timing reveals
 * a key.
 */
export class WriteKeyStore {
  private readonly byDigest = new Map<string, string>();

  constructor(keys: WriteKey[]) {
    for (const k of keys) this.byDigest.set(digest(k.key), k.sourceId);
  }

  /** The source id for a key, or undefined when the key is unknown. */
  resolve(key: string): string | undefined {
    return this.byDigest.get(digest(key));
  }
}

function digest(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** The write key from HTTP Basic auth: Segment's SDKs send it as the user name with an empty password. */
export function writeKeyFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ');
  if (!value || scheme?.toLowerCase() !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon === -1 ? decoded : decoded.slice(0, colon);
  return user.length > 0 ? user : undefined;
}

import { createHash } from 'node:crypto';
import type { WriteKey } from './config.js';
import type { KeysFileEntry } from './keys-file.js';

/** What a write key resolves to. A revoked key is told apart from an unknown one so the client learns why. */
export type KeyLookup =
  | {
      status: 'ok';
      sourceId: string /** The key's own limit (events/s, 0 = none), else the default. */;
      rateLimitPerSecond?: number;
    }
  | { status: 'revoked'; sourceId: string }
  | { status: 'unknown' };

interface Held {
  sourceId: string;
  revoked: boolean;
  rateLimitPerSecond?: number;
}

/**
 * Resolves write keys to sources. Keys are kept only as SHA-256 digests, and
 * looked up by digest, so neither a heap dump nor the lookup's timing reveals
 * a key. Keys come from PULSE_WRITE_KEYS (fixed) and from the keys file
 * (replaced whenever the file changes); a digest revoked in the file is
 * revoked even if PULSE_WRITE_KEYS still lists the key.
 */
export class WriteKeyStore {
  private readonly fromEnv = new Map<string, Held>();
  private byDigest = new Map<string, Held>();

  constructor(keys: WriteKey[], fileEntries: readonly KeysFileEntry[] = []) {
    for (const k of keys) this.fromEnv.set(sha256Hex(k.key), { sourceId: k.sourceId, revoked: false });
    this.replaceFileEntries(fileEntries);
  }

  /** Swaps in the keys file's entries at once: a request sees the old set or the new one, never a mix. */
  replaceFileEntries(entries: readonly KeysFileEntry[]): void {
    const next = new Map(this.fromEnv);
    for (const e of entries) {
      const held = next.get(e.sha256);
      // Listed twice: a revocation wins, whichever line it is on.
      if (held?.revoked) continue;
      next.set(e.sha256, {
        sourceId: e.sourceId,
        revoked: e.revoked === true,
        ...(e.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: e.rateLimitPerSecond }),
      });
    }
    this.byDigest = next;
  }

  lookup(key: string): KeyLookup {
    const held = this.byDigest.get(sha256Hex(key));
    if (held === undefined) return { status: 'unknown' };
    if (held.revoked) return { status: 'revoked', sourceId: held.sourceId };
    return {
      status: 'ok',
      sourceId: held.sourceId,
      ...(held.rateLimitPerSecond === undefined ? {} : { rateLimitPerSecond: held.rateLimitPerSecond }),
    };
  }

  /** The source id for a usable key, or undefined when the key is unknown or revoked. */
  resolve(key: string): string | undefined {
    const found = this.lookup(key);
    return found.status === 'ok' ? found.sourceId : undefined;
  }
}

/** The hex SHA-256 digest of a key, as the keys file stores it. */
export function sha256Hex(key: string): string {
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

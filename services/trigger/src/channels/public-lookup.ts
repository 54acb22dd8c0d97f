import { lookup as dnsLookup } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { PulseError } from '@pulse/common';
import { type AddressKind, addressKind, isLocalHostName } from './address-policy.js';

/** A webhook whose host is, or resolves to, an address inside the network (SSRF): never retried. */
export class PrivateAddressError extends PulseError {
  constructor(host: string, address: string, kind: AddressKind) {
    super(
      'PULSE_WEBHOOK_PRIVATE_ADDRESS',
      `webhook host ${host} ${host === address ? 'is' : `resolves to`} a ${kind} address (${address}); ` +
        'private, loopback, link-local and unique-local addresses are refused unless TRIGGER_ALLOW_PRIVATE_WEBHOOKS=true',
    );
  }
}

/** Why a webhook URL may not be called, judged from its text alone (a literal IP or localhost); undefined if it may. */
export function literalHostProblem(url: string): PrivateAddressError | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return undefined;
  }
  if (isLocalHostName(host)) return new PrivateAddressError(host, host, 'loopback');
  const kind = addressKind(host);
  return kind && kind !== 'public' ? new PrivateAddressError(host, host, kind) : undefined;
}

/**
 * A `lookup` for net/http connections that resolves the name and hands back
 * only public addresses, so the socket connects to an address that was
 * checked (no second resolution an attacker's DNS could answer differently).
 * A name with no public address fails with PrivateAddressError.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) {
      callback(err, '');
      return;
    }
    const allowed = addresses.filter((a) => addressKind(a.address) === 'public');
    const first = allowed[0];
    if (!first) {
      const refused = addresses[0];
      callback(
        new PrivateAddressError(
          hostname,
          refused?.address ?? '?',
          addressKind(refused?.address ?? '') ?? 'reserved',
        ),
        '',
      );
      return;
    }
    if (options.all) callback(null, allowed);
    else callback(null, first.address, first.family);
  });
};

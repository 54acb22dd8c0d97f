import { isIP } from 'node:net';

/** What an IP address reaches; only `public` may receive webhooks unless private ones are allowed. */
export type AddressKind =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'reserved';

type V4 = [number, number, number, number];

function parseV4(ip: string): V4 | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p))) return undefined;
  const octets = parts.map(Number);
  return octets.every((o) => o <= 255) ? (octets as V4) : undefined;
}

function v4Kind([a, b, c]: V4): AddressKind {
  if (a === 0) return 'unspecified';
  if (a === 127) return 'loopback';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if (a === 100 && b >= 64 && b <= 127) return 'shared';
  if (a === 169 && b === 254) return 'link-local';
  if (a >= 224 && a <= 239) return 'multicast';
  if (a >= 240) return 'reserved';
  // IETF assignments, documentation and benchmarking ranges route nowhere a webhook should go.
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved';
  if ((a === 198 && (b === 18 || b === 19)) || (a === 198 && b === 51 && c === 100)) return 'reserved';
  if (a === 203 && b === 0 && c === 113) return 'reserved';
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (a dotted IPv4 tail and a zone id allowed). */
function parseV6(input: string): number[] | undefined {
  let ip = input.replace(/%.*$/, '');
  const tail = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (tail?.[1]) {
    const v4 = parseV4(tail[1]);
    if (!v4) return undefined;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    ip = `${ip.slice(0, -tail[1].length)}${hex(v4[0], v4[1])}:${hex(v4[2], v4[3])}`;
  }
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (fill < 0 || (halves.length === 1 && head.length !== 8)) return undefined;
  const all = [...head, ...Array<string>(fill).fill('0'), ...rest];
  if (all.length !== 8 || !all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return all.map((g) => Number.parseInt(g, 16));
}

function embeddedV4(hi: number, lo: number): V4 {
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];
}

function v6Kind(g: number[]): AddressKind {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  if (zeroTo(8)) return 'unspecified';
  if (zeroTo(7) && g7 === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d): the IPv4 rules apply.
  if (zeroTo(5) && g5 === 0xffff) return v4Kind(embeddedV4(g6, g7));
  if (zeroTo(4) && g4 === 0xffff && g5 === 0) return v4Kind(embeddedV4(g6, g7));
  if (zeroTo(6)) return v4Kind(embeddedV4(g6, g7));
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they carry.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return v4Kind(embeddedV4(g6, g7));
  }
  if (g0 === 0x2002) return v4Kind(embeddedV4(g1, g2));
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'private';
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if (g0 === 0x2001 && g1 === 0x0db8) return 'reserved';
  // Global unicast is 2000::/3; the rest is unassigned or special-purpose.
  return (g0 & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

/** Classifies a literal IP address (IPv4, IPv6, IPv4-mapped IPv6; brackets allowed); not an IP: undefined. */
export function addressKind(address: string): AddressKind | undefined {
  const ip = address.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(ip.replace(/%.*$/, ''));
  if (family === 4) {
    const v4 = parseV4(ip);
    return v4 ? v4Kind(v4) : undefined;
  }
  if (family === 6) {
    const groups = parseV6(ip);
    return groups ? v6Kind(groups) : undefined;
  }
  return undefined;
}

/** Host names that resolve to the machine itself without asking DNS. */
export function isLocalHostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

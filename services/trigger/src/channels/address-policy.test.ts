import { describe, expect, it } from 'vitest';
import { addressKind, isLocalHostName } from './address-policy.js';

describe('addressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['169.254.169.254', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
  ])('IPv4 %s is %s', (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
  });

  it.each([
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:81b::200e', 'public'],
  ])('IPv6 %s is %s', (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
  });

  it('applies the IPv4 rules to IPv4 carried in IPv6 (mapped, translated, compatible, NAT64, 6to4)', () => {
    expect(addressKind('::ffff:127.0.0.1')).toBe('loopback');
    expect(addressKind('::ffff:7f00:1')).toBe('loopback');
    expect(addressKind('[::ffff:10.0.0.5]')).toBe('private');
    expect(addressKind('::ffff:169.254.169.254')).toBe('link-local');
    expect(addressKind('::ffff:0:192.168.0.1')).toBe('private');
    expect(addressKind('::127.0.0.1')).toBe('loopback');
    expect(addressKind('64:ff9b::10.0.0.1')).toBe('private');
    expect(addressKind('64:ff9b::8.8.8.8')).toBe('public');
    expect(addressKind('2002:c0a8:0101::1')).toBe('private');
    expect(addressKind('::ffff:8.8.8.8')).toBe('public');
  });

  it('is undefined for what is not an IP address', () => {
    expect(addressKind('example.com')).toBeUndefined();
    expect(addressKind('256.1.1.1')).toBeUndefined();
    expect(addressKind('1.2.3')).toBeUndefined();
    expect(addressKind('::ffff:1.2.3.999')).toBeUndefined();
  });

  it('knows localhost names', () => {
    expect(isLocalHostName('localhost')).toBe(true);
    expect(isLocalHostName('LOCALHOST.')).toBe(true);
    expect(isLocalHostName('api.localhost')).toBe(true);
    expect(isLocalHostName('localhost.example.com')).toBe(false);
  });
});

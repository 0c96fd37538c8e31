import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileIpRanges } from '../policy/ip-set/index.ts';
import { resolveClientIp, type ClientIpInput } from './client-ip.ts';

const trustedProxies = compileIpRanges(['10.0.0.0/24', '2001:db8:ffff::/48']);
const resolve = (input: Partial<ClientIpInput>) =>
  resolveClientIp({
    remoteAddress: '10.0.0.1',
    forwarded: undefined,
    header: 'x-forwarded-for',
    trustedProxies,
    ...input,
  });

test('an untrusted peer is the client, whatever it forwards', () => {
  assert.deepEqual(resolve({ remoteAddress: '198.51.100.7', forwarded: '10.0.0.9, 203.0.113.1' }), {
    ip: '198.51.100.7',
    source: 'socket',
    peer: '198.51.100.7',
    peerTrusted: false,
  });
});

test('a trusted peer without the header is the client', () => {
  assert.equal(resolve({ forwarded: undefined }).ip, '10.0.0.1');
  assert.equal(resolve({ forwarded: ' ' }).source, 'socket');
});

test('behind trusted proxies, the right-most untrusted hop is the client', () => {
  const r = resolve({ forwarded: '6.6.6.6, 203.0.113.5, 10.0.0.7, 10.0.0.8' });
  assert.deepEqual(r, {
    ip: '203.0.113.5',
    source: 'forwarded',
    peer: '10.0.0.1',
    peerTrusted: true,
  });
});

test('if every hop is a trusted proxy, the left-most is the client', () => {
  assert.equal(resolve({ forwarded: '10.0.0.5, 10.0.0.6' }).ip, '10.0.0.5');
});

test('a garbage hop on the walk falls back to the peer; garbage left of the client is never read', () => {
  assert.deepEqual(resolve({ forwarded: 'evil, 10.0.0.6' }), {
    ip: '10.0.0.1',
    source: 'socket',
    peer: '10.0.0.1',
    peerTrusted: true,
  });
  assert.equal(resolve({ forwarded: '203.0.113.5 junk' }).ip, '10.0.0.1');
  assert.equal(resolve({ forwarded: 'evil, 203.0.113.5' }).ip, '203.0.113.5');
});

test('IPv6 and IPv4-mapped peers and hops come out canonical', () => {
  assert.equal(
    resolve({ remoteAddress: '::ffff:10.0.0.1', forwarded: '::ffff:203.0.113.5' }).ip,
    '203.0.113.5',
  );
  const v6 = resolve({
    remoteAddress: '2001:db8:ffff::1',
    forwarded: '[2001:DB8::0:1]:443, 2001:db8:ffff::2',
    header: 'x-forwarded-for',
  });
  assert.deepEqual([v6.ip, v6.peer], ['2001:db8::1', '2001:db8:ffff::1']);
  const fwd = resolve({
    remoteAddress: '2001:db8:ffff::1',
    forwarded: 'for="[2001:db8::5]:4711"',
    header: 'forwarded',
  });
  assert.equal(fwd.ip, '2001:db8::5');
});

test('no socket address gives an address that lies in no set', () => {
  assert.deepEqual(resolve({ remoteAddress: undefined, forwarded: '203.0.113.5' }), {
    ip: 'unknown',
    source: 'socket',
    peer: 'unknown',
    peerTrusted: false,
  });
});

/**
 * Certificate IP addresses: the text `ipBytes` accepts is exactly what node:net's isIPv4/isIPv6
 * accept (the second implementation; zone IDs such as "%eth0" are refused on purpose), and the
 * octets it gives for accepted IPv6 text name the address node:net's `SocketAddress` reads from it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isIPv4, isIPv6, SocketAddress } from 'node:net';
import { ipBytes } from '../../signer/names';

const test = suite('certificate IP address text');

const CASES = [
  '1.2.3.4', '255.255.255.255', '0.0.0.0', '256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.', '',
  '::', '::1', '1::', 'fe80::1', 'ABCD::EF01', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::',
  '::1:2:3:4:5:6:7', '1::2::3', ':1::', '1:::2', ':', '1:2:3:4:5:6:7:', '12345::1', 'g::1',
  '::ffff:1.2.3.4', '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3.4', '1.2.3.4::', '::ffff:256.1.1.1',
  'fe80::1%eth0', '1:2:3:4:5:6:7:8::', '::1:2:3:4:5:6:7:8', ' 1.2.3.4', '1.2.3.4 ',
];

test('accepts exactly the text node:net accepts', () => {
  for (const c of CASES) {
    const want = isIPv4(c) || (isIPv6(c) && !c.includes('%'));
    let got = true;
    try { ipBytes(c); } catch { got = false; }
    assert.is(got, want, JSON.stringify(c));
  }
});

test('octets in network order, as node:net reads the same text', () => {
  for (const c of CASES.filter((x) => isIPv6(x) && !x.includes('%'))) {
    const full = new SocketAddress({ address: c, family: 'ipv6' }).address;
    const groups = Buffer.from(ipBytes(c));
    const text = Array.from({ length: 8 }, (_, i) => groups.readUInt16BE(2 * i).toString(16)).join(':');
    assert.is(new SocketAddress({ address: text, family: 'ipv6' }).address, full, c);
  }
  assert.equal(Array.from(ipBytes('192.168.35.2')), [192, 168, 35, 2]);
});

test.run();

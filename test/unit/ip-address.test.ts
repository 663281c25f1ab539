import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { ipVersion } from '../../src/core/certs/ipAddress';

describe('ipVersion: net.isIP without running its IPv6 pattern on names that cannot be addresses', () => {
  it('gives net.isIP\'s answer for addresses, near-addresses and names', () => {
    const inputs = [
      '127.0.0.1', '0.0.0.0', '255.255.255.255', '256.0.0.1', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1..2.3', '.1.2.3', '',
      '::1', '::', '[::1]', 'fe80::1', 'fe80::1%eth0', '::ffff:127.0.0.1', '2001:db8::1:0:0:1', '2001:db8:::1', ':::',
      '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', 'g::1', 'localhost', 'LOCALHOST', 'my-app.localhost', 'host.docker.internal',
      '127.0.0.1.nip.io', 'example.com:443', '0x7f.0.0.1', '१२७.0.0.1', ' 127.0.0.1', '127.0.0.1 ',
    ];
    for (const s of inputs) assert.equal(ipVersion(s), net.isIP(s), JSON.stringify(s));
  });

  it('agrees with net.isIP on random strings over the characters addresses use', () => {
    const alphabet = '0123456789abcdefABCDEF.:%[]x ';
    let seed = 7;
    const next = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed; };
    for (let i = 0; i < 5000; i++) {
      const s = Array.from({ length: 1 + (next() % 18) }, () => alphabet[next() % alphabet.length]).join('');
      assert.equal(ipVersion(s), net.isIP(s), JSON.stringify(s));
    }
  });
});
